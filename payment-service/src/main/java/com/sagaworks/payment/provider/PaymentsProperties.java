package com.sagaworks.payment.provider;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.URI;
import java.time.Duration;

/**
 * Settings under {@code sagaworks.payments}: which {@link PaymentProvider} moves the money and, for the external
 * one, how it is called and retried.
 *
 * @param provider which adapter: {@code ledger} (in-database accounts, the default) or {@code http}
 */
@ConfigurationProperties("sagaworks.payments")
public record PaymentsProperties(@DefaultValue("ledger") ProviderType provider,
                                 @DefaultValue Http http,
                                 @DefaultValue Attempts attempts) {

    /** The {@link PaymentProvider} adapters. */
    public enum ProviderType {

        /** The customer accounts in this service's database, charged inside the consumer's transaction. */
        LEDGER,
        /** An external provider over HTTP, called outside any transaction; replies are deferred. */
        HTTP
    }

    /**
     * The HTTP provider's address and timeouts.
     *
     * @param baseUrl        the provider's root; required when {@code provider=http}
     * @param connectTimeout longest wait for a connection
     * @param readTimeout    longest wait for an answer; after it the outcome is unknown and asked for later
     */
    public record Http(URI baseUrl,
                       @DefaultValue("2s") Duration connectTimeout,
                       @DefaultValue("5s") Duration readTimeout) {

        public Http {
            requirePositive("sagaworks.payments.http.connect-timeout", connectTimeout);
            requirePositive("sagaworks.payments.http.read-timeout", readTimeout);
        }
    }

    /**
     * How attempts at the HTTP provider are worked off and retried.
     *
     * @param pollInterval      the recovery poll: longest pause between two looks for due attempts (a commit
     *                          wakes the worker sooner)
     * @param batchSize         attempts claimed, and called side by side, per round
     * @param initialBackoff    pause after the first unanswered call; doubles per call, with jitter
     * @param maxBackoff        longest pause between two calls for one attempt
     * @param claimLease        how long a claimed attempt is left to its worker before the recovery poll takes it
     *                          back (the worker died, say); longer than the two calls a round may make
     * @param refundMaxAttempts calls after which a refund that keeps failing is parked (see the README)
     */
    public record Attempts(@DefaultValue("5s") Duration pollInterval,
                           @DefaultValue("20") int batchSize,
                           @DefaultValue("1s") Duration initialBackoff,
                           @DefaultValue("1m") Duration maxBackoff,
                           @DefaultValue("30s") Duration claimLease,
                           @DefaultValue("10") int refundMaxAttempts) {

        public Attempts {
            requirePositive("sagaworks.payments.attempts.poll-interval", pollInterval);
            requirePositive("sagaworks.payments.attempts.initial-backoff", initialBackoff);
            requirePositive("sagaworks.payments.attempts.claim-lease", claimLease);
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("sagaworks.payments.attempts.max-backoff must not be shorter "
                        + "than initial-backoff: " + maxBackoff);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("sagaworks.payments.attempts.batch-size must be positive: "
                        + batchSize);
            }
            if (refundMaxAttempts < 1) {
                throw new IllegalArgumentException("sagaworks.payments.attempts.refund-max-attempts must be "
                        + "positive: " + refundMaxAttempts);
            }
        }
    }

    public PaymentsProperties {
        if (provider == ProviderType.HTTP) {
            if (http.baseUrl() == null) {
                throw new IllegalArgumentException(
                        "sagaworks.payments.http.base-url is required when sagaworks.payments.provider=http");
            }
            // A round may ask the status and then charge: two calls. Were the lease shorter, the recovery poll
            // could take an attempt back while its first call is still running and call the provider beside it.
            Duration round = http.connectTimeout().plus(http.readTimeout()).multipliedBy(2);
            if (attempts.claimLease().compareTo(round) <= 0) {
                throw new IllegalArgumentException("sagaworks.payments.attempts.claim-lease (" + attempts.claimLease()
                        + ") must be longer than two calls of connect-timeout + read-timeout (" + round + ")");
            }
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
