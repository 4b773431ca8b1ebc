package com.sagaworks.orchestrator.engine;

import com.sagaworks.contracts.SagaId;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Command ids derived from (saga, step, phase): a command sent again after a timeout or a crash carries the same
 * id, so the participant's inbox recognises it, and a reply can be matched to exactly one command.
 */
public final class CommandIds {

    /** Whether a command performs its step or undoes it. */
    public enum Phase {
        /** The step's forward command. */
        ACTION,
        /** The step's compensation. */
        COMPENSATION
    }

    private CommandIds() {
    }

    public static UUID of(SagaId sagaId, String step, Phase phase) {
        String name = sagaId + "/" + step + "/" + phase;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }
}
