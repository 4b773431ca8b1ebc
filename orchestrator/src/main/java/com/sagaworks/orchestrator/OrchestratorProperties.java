package com.sagaworks.orchestrator;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * @param stepTimeout how long a saga step waits for its participant's reply before its deadline passes
 */
@ConfigurationProperties("sagaworks.orchestrator")
public record OrchestratorProperties(@DefaultValue("30s") Duration stepTimeout) {
}
