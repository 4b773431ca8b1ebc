package com.sagaworks.messaging.inbox;

import com.sagaworks.messaging.MessagingTestApplication;
import com.sagaworks.messaging.metrics.MessagingMetrics;
import com.sagaworks.testing.TestInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The retention job on a real database, with a two-second window, a run every 200 ms and at most three rows per
 * statement: expired rows go, in several statements, while recent rows and rows still waiting for a deferred reply
 * stay. Rows are dated by the test, so "recent" and "expired" do not depend on timing.
 */
@SpringBootTest(classes = {MessagingTestApplication.class, InboxRetentionIT.Metrics.class}, properties = {
        "sagaworks.messaging.consumer.enabled=false",
        "sagaworks.messaging.relay.enabled=false",
        "sagaworks.messaging.retention.inbox=2s",
        "sagaworks.messaging.retention.interval=200ms",
        "sagaworks.messaging.retention.batch-size=3"})
@DirtiesContext
class InboxRetentionIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private InboxRetention retention;
    @Autowired
    private MeterRegistry meters;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "messaging_retention");
    }

    @Test
    void deletesExpiredRowsInSmallBatchesAndKeepsRecentAndPendingOnes() {
        double deletedBefore = meters.get(MessagingMetrics.INBOX_RETENTION_DELETED).counter().count();
        List<UUID> expired = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            expired.add(insert("1 hour", "NONE", null));
        }
        UUID completedLongAgo = insert("2 hours", "COMPLETED", "1 hour");
        expired.add(completedLongAgo);
        UUID pendingForDays = insert("3 days", "PENDING", null);
        // Received long ago, but its deferred reply was completed just now: its window starts at the completion.
        UUID completedJustNow = insert("3 days", "COMPLETED", "-1 hour");
        UUID recent = insert("-1 hour", "NONE", null);

        await().atMost(TIMEOUT).until(() -> expired.stream().noneMatch(this::exists));

        assertThat(Set.of(pendingForDays, completedJustNow, recent)).allMatch(this::exists);
        assertThat(meters.get(MessagingMetrics.INBOX_RETENTION_DELETED).counter().count() - deletedBefore)
                .isGreaterThanOrEqualTo(expired.size());
        assertThat(retention.isRunning()).isTrue();
    }

    /**
     * An inbox row received {@code age} ago (a PostgreSQL interval; negative is the future, which stays recent for
     * the whole test) with the given deferred-reply status, completed {@code completedAgo} ago if not null.
     */
    private UUID insert(String age, String status, String completedAgo) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO messaging_inbox (message_id, message_type, topic, received_at, deferred_reply,
                                                     completed_at)
                        VALUES (:id, 'ReserveStock', 'inventory.commands', now() - CAST(:age AS interval), :status,
                                now() - CAST(:completedAgo AS interval))
                        """)
                .param("id", id)
                .param("age", age)
                .param("status", status)
                .param("completedAgo", completedAgo)
                .update();
        return id;
    }

    private boolean exists(UUID id) {
        return jdbc.sql("SELECT count(*) FROM messaging_inbox WHERE message_id = :id")
                .param("id", id).query(Long.class).single() == 1;
    }

    /** A registry, so the deleted-rows counter can be read. */
    @TestConfiguration
    static class Metrics {

        @Bean
        SimpleMeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }
}
