package com.sagaworks.order.web;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WaitParameterTest {

    private static final Duration MAX = Duration.ofSeconds(30);

    @Test
    void noWaitMeansAnswerAtOnce() {
        assertThat(WaitParameter.parse(null, MAX)).isZero();
        assertThat(WaitParameter.parse("PT0S", MAX)).isZero();
    }

    @Test
    void readsAnIsoDuration() {
        assertThat(WaitParameter.parse("PT5S", MAX)).isEqualTo(Duration.ofSeconds(5));
        assertThat(WaitParameter.parse("PT0.25S", MAX)).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void shortensALongerWaitToTheMaximum() {
        assertThat(WaitParameter.parse("PT1H", MAX)).isEqualTo(MAX);
        assertThat(WaitParameter.parse("P365D", MAX)).isEqualTo(MAX);
    }

    @Test
    void refusesNegativeMalformedAndOverflowingDurationsNamingTheParameter() {
        for (String wait : new String[]{"-PT1S", "5s", "5", "", "PT", "P1000000000000000D", "PT99999999999999999999S"}) {
            assertThatThrownBy(() -> WaitParameter.parse(wait, MAX))
                    .as(wait)
                    .isInstanceOfSatisfying(InvalidParameterException.class,
                            e -> assertThat(e.parameter()).isEqualTo("wait"));
        }
    }
}
