package com.sagaworks.orchestrator;

import com.sagaworks.orchestrator.engine.Attempts;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * @param stepTimeout    how long a saga step waits for its participant's reply before its deadline passes
 * @param maxAttempts    how many times a forward step's command is sent before the step is given up and the saga
 *                       compensates
 * @param compensationMaxAttempts how many times a compensation's command is sent before the saga is left FAILED
 *                       for support; far more than {@code maxAttempts} (see {@link Attempts})
 * @param sweepInterval  how often passed deadlines are looked for
 * @param sweepBatchSize how many due sagas one sweep transaction handles
 */
@ConfigurationProperties("sagaworks.orchestrator")
public record OrchestratorProperties(@DefaultValue("30s") Duration stepTimeout,
                                     @DefaultValue("3") int maxAttempts,
                                     @DefaultValue("10") int compensationMaxAttempts,
                                     @DefaultValue("1s") Duration sweepInterval,
                                     @DefaultValue("100") int sweepBatchSize) {

    /** Validated here, so a bad setting stops the start with the property's name. */
    public OrchestratorProperties {
        if (maxAttempts < 1 || compensationMaxAttempts < 1) {
            throw new IllegalArgumentException("sagaworks.orchestrator.max-attempts and compensation-max-attempts "
                    + "must be at least 1, not " + maxAttempts + " and " + compensationMaxAttempts);
        }
    }

    public Attempts attempts() {
        return new Attempts(maxAttempts, compensationMaxAttempts);
    }
}
