package com.sagaworks.orchestrator;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * @param stepTimeout    how long a saga step waits for its participant's reply before its deadline passes
 * @param maxAttempts    how many times a step's command is sent before the step is given up (or, for a
 *                       compensation, the saga is left FAILED)
 * @param sweepInterval  how often passed deadlines are looked for
 * @param sweepBatchSize how many due sagas one sweep transaction handles
 */
@ConfigurationProperties("sagaworks.orchestrator")
public record OrchestratorProperties(@DefaultValue("30s") Duration stepTimeout,
                                     @DefaultValue("3") int maxAttempts,
                                     @DefaultValue("1s") Duration sweepInterval,
                                     @DefaultValue("100") int sweepBatchSize) {
}
