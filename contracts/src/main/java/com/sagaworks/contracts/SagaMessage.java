package com.sagaworks.contracts;

/**
 * A command sent by the orchestrator or a reply sent back to it. Both travel keyed by the saga id, so
 * every message of one saga lands on one partition and is seen in the order it was written.
 */
public interface SagaMessage {

    SagaId sagaId();
}
