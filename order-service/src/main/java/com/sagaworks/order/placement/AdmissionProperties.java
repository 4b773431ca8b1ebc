package com.sagaworks.order.placement;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Placement admission: how many orders may be in flight before new placements are refused with {@code 503}.
 *
 * @param enabled         off by default: false admits every placement, however far behind the sagas are (see
 *                        docs/operations.md for when to switch it on)
 * @param maxInFlight     orders placed within {@code window} and still PENDING (any instance, any client) at which
 *                        placements are refused. Keep it below the connections the service holds
 *                        ({@code server.tomcat.max-connections}): a client waiting for the outcome
 *                        ({@code Prefer: wait}) holds one for as long as its order is in flight
 * @param window          only orders placed this recently count: an older PENDING order waits on something
 *                        (a participant that is down, an operator) rather than adding to the load
 * @param refreshInterval how old the count may be; it is taken again by the first placement after that
 * @param retryAfter      the {@code Retry-After} of a refusal, rounded up to whole seconds
 */
@Validated
@ConfigurationProperties("sagaworks.orders.admission")
public record AdmissionProperties(@DefaultValue("false") boolean enabled,
                                  @DefaultValue("400") @Min(1) int maxInFlight,
                                  @DefaultValue("1m") @NotNull Duration window,
                                  @DefaultValue("200ms") @NotNull Duration refreshInterval,
                                  @DefaultValue("1s") @NotNull Duration retryAfter) {

    /** Whole seconds, at least one: what {@code Retry-After} carries. */
    public long retryAfterSeconds() {
        long seconds = retryAfter.toSeconds();
        return Math.max(1, retryAfter.toNanosPart() == 0 ? seconds : seconds + 1);
    }
}
