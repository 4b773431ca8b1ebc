package com.sagaworks.order.web;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Limits of the HTTP API.
 *
 * @param maxWait           the longest {@code GET /orders/{id}?wait=}; longer waits are shortened to it
 * @param streamTimeout     an event stream still open after this long is closed (the client may reconnect)
 * @param heartbeatInterval how often an open event stream gets a comment line, which keeps proxies from
 *                          closing it and reveals clients that went away
 * @param maxBodySize       larger request bodies are refused with 413 before they are parsed
 * @param maxPageSize       larger page sizes are shortened to it
 */
@Validated
@ConfigurationProperties("sagaworks.orders.api")
public record OrderApiProperties(@DefaultValue("30s") @NotNull Duration maxWait,
                                 @DefaultValue("10m") @NotNull Duration streamTimeout,
                                 @DefaultValue("15s") @NotNull Duration heartbeatInterval,
                                 @DefaultValue("64KB") @NotNull DataSize maxBodySize,
                                 @DefaultValue("100") @Min(1) @Max(1000) int maxPageSize) {
}
