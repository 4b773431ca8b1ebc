package com.sagaworks.orchestrator.engine;

/**
 * How many times the engine sends a step's command before it gives the step up, for forward steps and for
 * compensations apart.
 *
 * <p>A forward step that stays unanswered is given up early: the customer is waiting, and compensating is always
 * possible. A compensation is different: giving it up leaves the saga {@code FAILED} with a participant's effect
 * in place (stock held, money taken) until someone acts, while the participant that does not answer is nearly
 * always just down or behind (a restart, a backlog after a pause) and answers later. So compensations get a
 * budget many times longer. The deadline doubles with each send up to 8 step timeouts, so with a 30 s step timeout
 * 3 sends wait 3.5 min in all and 10 sends 31.5 min.
 *
 * @param forward      sends of a forward step's action before the step is given up and compensated
 * @param compensation sends of a compensation before the saga is left {@code FAILED} for support
 */
public record Attempts(int forward, int compensation) {

    public Attempts {
        if (forward < 1 || compensation < 1) {
            throw new IllegalArgumentException("attempts must be at least 1: forward " + forward + ", compensation "
                    + compensation);
        }
    }

    /** The sends allowed to the step a saga in {@code status} is waiting on. */
    public int allowed(SagaStatus status) {
        return status == SagaStatus.COMPENSATING ? compensation : forward;
    }
}
