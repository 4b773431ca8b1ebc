package com.sagaworks.system;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class the running system ({@link SagaworksSystem}, by constructor or method parameter). The
 * system starts once per test JVM, for the first class that asks, and is stopped after the last test: it is
 * kept in the root store, which closes it at the end of the run. A failed start is kept too, so that every
 * later class fails at once with the same cause instead of trying again for minutes.
 */
public final class SystemUnderTest implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SystemUnderTest.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SagaworksSystem.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(StartAttempt.class, key -> StartAttempt.run(), StartAttempt.class)
                .system();
    }

    /** The outcome of the one start of the run: the system, or why it did not start. */
    private static final class StartAttempt implements AutoCloseable {

        private final SagaworksSystem system;
        private final RuntimeException failure;

        private StartAttempt(SagaworksSystem system, RuntimeException failure) {
            this.system = system;
            this.failure = failure;
        }

        static StartAttempt run() {
            try {
                return new StartAttempt(SagaworksSystem.start(), null);
            } catch (RuntimeException e) {
                return new StartAttempt(null, e);
            }
        }

        SagaworksSystem system() {
            if (failure != null) {
                throw new IllegalStateException("the system under test did not start: " + failure.getMessage(),
                        failure);
            }
            return system;
        }

        @Override
        public void close() {
            if (system != null) {
                system.close();
            }
        }
    }
}
