package com.sagaworks.order.placement;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** What admission does when it cannot count; the counting itself runs against PostgreSQL in PlacementAdmissionIT. */
class PlacementAdmissionTest {

    /** Nothing listens on port 1: every connection attempt is refused at once. */
    private static final JdbcClient UNREACHABLE = JdbcClient.create(
            new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/orders?connectTimeout=1", "postgres", "postgres"));

    @Test
    void admitsWhenTheDatabaseCannotBeCountedAndLeavesTheAnswerToThePlacement() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        PlacementAdmission admission = new PlacementAdmission(UNREACHABLE,
                new AdmissionProperties(true, 1, Duration.ofMinutes(1), Duration.ZERO, Duration.ofSeconds(1)), meters);

        assertThat(admission.admits()).isTrue();
        assertThat(admission.admits()).as("and again on the next request").isTrue();
        assertThat(meters.get("sagaworks.orders.placements.refused").counter().count()).isZero();
    }

    @Test
    void admitsEverythingWhenSwitchedOff() {
        PlacementAdmission admission = new PlacementAdmission(UNREACHABLE,
                new AdmissionProperties(false, 1, Duration.ofMinutes(1), Duration.ZERO, Duration.ofSeconds(1)),
                new SimpleMeterRegistry());

        assertThat(admission.admits()).isTrue();
    }

    @Test
    void announcesWholeSecondsRoundedUp() {
        assertThat(properties(Duration.ofMillis(1500)).retryAfterSeconds()).isEqualTo(2);
        assertThat(properties(Duration.ofSeconds(3)).retryAfterSeconds()).isEqualTo(3);
        assertThat(properties(Duration.ZERO).retryAfterSeconds()).as("at least one").isEqualTo(1);
    }

    private static AdmissionProperties properties(Duration retryAfter) {
        return new AdmissionProperties(true, 1, Duration.ofMinutes(1), Duration.ZERO, retryAfter);
    }
}
