package com.sagaworks.payment.provider;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settings that would break a guarantee are refused at startup. */
class PaymentsPropertiesTest {

    private static final PaymentsProperties.Http NO_URL =
            new PaymentsProperties.Http(null, Duration.ofSeconds(2), Duration.ofSeconds(5));
    private static final PaymentsProperties.Attempts ATTEMPTS = new PaymentsProperties.Attempts(
            Duration.ofSeconds(5), 20, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(30), 10);

    @Test
    void theLedgerProviderNeedsNoAddress() {
        assertThatCode(() -> new PaymentsProperties(PaymentsProperties.ProviderType.LEDGER, NO_URL, ATTEMPTS))
                .doesNotThrowAnyException();
    }

    @Test
    void theHttpProviderNeedsAnAddress() {
        assertThatThrownBy(() -> new PaymentsProperties(PaymentsProperties.ProviderType.HTTP, NO_URL, ATTEMPTS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base-url");
    }

    @Test
    void aClaimLeaseShorterThanARoundIsRefused() {
        PaymentsProperties.Http slow = new PaymentsProperties.Http(URI.create("http://127.0.0.1:1"),
                Duration.ofSeconds(5), Duration.ofSeconds(10));

        // a round may make two calls of up to 15 s: a 30 s lease could run out while the second still runs
        assertThatThrownBy(() -> new PaymentsProperties(PaymentsProperties.ProviderType.HTTP, slow, ATTEMPTS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("claim-lease");
    }

    @Test
    void backoffsAndCountsMustMakeSense() {
        assertThatThrownBy(() -> new PaymentsProperties.Attempts(Duration.ofSeconds(5), 20, Duration.ofSeconds(2),
                Duration.ofSeconds(1), Duration.ofSeconds(30), 10)).hasMessageContaining("max-backoff");
        assertThatThrownBy(() -> new PaymentsProperties.Attempts(Duration.ofSeconds(5), 20, Duration.ofSeconds(1),
                Duration.ofMinutes(1), Duration.ofSeconds(30), 0)).hasMessageContaining("refund-max-attempts");
        assertThat(new PaymentsProperties.Http(null, Duration.ofSeconds(1), Duration.ofSeconds(1)).baseUrl()).isNull();
    }
}
