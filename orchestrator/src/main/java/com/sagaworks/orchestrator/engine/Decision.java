package com.sagaworks.orchestrator.engine;

import java.util.List;
import java.util.UUID;

/** The outcome of {@link SagaDecider}: move the saga and send commands, or leave it as it is. */
public sealed interface Decision<D> {

    /** A command to queue in the outbox under a derived, stable id. */
    record Command(UUID messageId, Object payload) {
    }

    /** The saga moves to {@code next}; {@code commands} go out in the same transaction. */
    record Transition<D>(SagaState<D> next, List<Command> commands) implements Decision<D> {

        public Transition {
            commands = List.copyOf(commands);
        }
    }

    /** The message changes nothing (stale, duplicate, unexpected, or the saga has ended); {@code reason} is recorded. */
    record Ignore<D>(String reason) implements Decision<D> {
    }
}
