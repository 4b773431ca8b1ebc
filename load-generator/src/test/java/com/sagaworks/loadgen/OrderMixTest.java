package com.sagaworks.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class OrderMixTest {

    @Test
    void sendsExactlyTheConfiguredProportionsInEveryCycle() {
        OrderMix mix = OrderMix.parse("success:90,declined:5,out-of-stock:5");

        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        for (long i = 0; i < 100; i++) {
            counts.merge(mix.outcomeOf(i), 1, Integer::sum);
        }

        assertThat(counts).containsEntry(Outcome.SUCCESS, 90).containsEntry(Outcome.DECLINED, 5)
                .containsEntry(Outcome.OUT_OF_STOCK, 5);
    }

    @Test
    void spreadsARareOutcomeOverTheCycleInsteadOfSendingItInOneBurst() {
        OrderMix mix = OrderMix.parse("success:90,declined:10");

        for (long start = 0; start < 100; start += 10) {
            long declines = 0;
            for (long i = start; i < start + 10; i++) {
                declines += mix.outcomeOf(i) == Outcome.DECLINED ? 1 : 0;
            }
            assertThat(declines).as("declines among orders %d..%d", start, start + 9).isEqualTo(1);
        }
    }

    @Test
    void refusesAnUnknownOutcome() {
        assertThatThrownBy(() -> OrderMix.parse("success:90,lost:10")).isInstanceOf(IllegalArgumentException.class);
    }
}
