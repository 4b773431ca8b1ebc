package com.sagaworks.messaging.tracing;

import java.util.Map;
import java.util.function.Supplier;

/** For services without a tracer: no headers, no spans. */
enum NoMessageTracing implements MessageTracing {
    INSTANCE;

    @Override
    public Map<String, String> currentContext() {
        return Map.of();
    }

    @Override
    public <T> T continueTrace(Map<String, String> headers, String spanName, Supplier<T> work) {
        return work.get();
    }
}
