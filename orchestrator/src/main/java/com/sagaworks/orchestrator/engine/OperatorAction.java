package com.sagaworks.orchestrator.engine;

/** What support staff may do to a saga by hand; {@link SagaDecider#onOperator} says what each one means. */
public enum OperatorAction {
    /** Send the awaited command again under its id (the participant re-replies); a FAILED saga retries its compensation. */
    RETRY,
    /** Give up a RUNNING saga now: compensate from its current step inclusive, as an abort would. */
    COMPENSATE,
    /** Close a FAILED saga as COMPENSATED after checking that nothing is left in effect at the participants. */
    RESOLVE_COMPENSATED,
    /** Close a FAILED saga as COMPLETED after checking that every step took effect at the participants. */
    RESOLVE_COMPLETED
}
