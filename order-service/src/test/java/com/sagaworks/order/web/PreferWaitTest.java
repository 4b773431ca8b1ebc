package com.sagaworks.order.web;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PreferWaitTest {

    private static final Duration MAX = Duration.ofSeconds(30);

    private static java.util.Optional<Duration> parse(String... headers) {
        return PreferWait.parse(List.of(headers), MAX);
    }

    @Test
    void readsTheWaitInSecondsAmongOtherPreferences() {
        assertThat(parse("wait=10")).contains(Duration.ofSeconds(10));
        assertThat(parse("return=minimal, wait=5")).contains(Duration.ofSeconds(5));
        assertThat(parse("respond-async", "WAIT = 7 ;foo=bar")).contains(Duration.ofSeconds(7));
        assertThat(parse("wait=\"3\"")).contains(Duration.ofSeconds(3));
        assertThat(parse("wait=0")).contains(Duration.ZERO);
    }

    @Test
    void shortensALongerWaitToTheMaximumInWholeSeconds() {
        assertThat(parse("wait=31")).contains(MAX);
        assertThat(parse("wait=99999999999999999999999999")).contains(MAX);
        assertThat(PreferWait.parse(List.of("wait=60"), Duration.ofMillis(2500))).contains(Duration.ofSeconds(2));
    }

    @Test
    void theFirstWaitCountsEvenWhenLaterOnesDiffer() {
        assertThat(parse("wait=2, wait=20")).contains(Duration.ofSeconds(2));
        assertThat(parse("wait=2", "wait=20")).contains(Duration.ofSeconds(2));
        assertThat(parse("wait=soon, wait=20")).isEmpty();
    }

    @Test
    void ignoresWhatIsNotAWaitInSeconds() {
        for (String header : new String[]{"", "return=representation", "wait", "wait=", "wait=-1", "wait=1.5",
                "wait=PT5S", "wait=5s", "waiting=5", "wait=\"\"", "wait=' OR 1=1 --"}) {
            assertThat(parse(header)).as(header).isEmpty();
        }
        assertThat(PreferWait.parse(null, MAX)).isEmpty();
    }

    @Test
    void tellsTheAppliedWait() {
        assertThat(PreferWait.applied(Duration.ofSeconds(12))).isEqualTo("wait=12");
    }
}
