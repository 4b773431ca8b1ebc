package com.sagaworks.messaging.outbox;

import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Duration;
import java.util.UUID;

/**
 * The row in {@code messaging_relay_lease} that makes one relay per database the publisher. Expiry is judged
 * by the database clock, so relays on hosts whose clocks disagree still agree on who holds it.
 */
final class RelayLease {

    /** Taken when free or expired, renewed when already ours; zero rows means someone else holds it. */
    private static final String TAKE_OR_RENEW = """
            INSERT INTO messaging_relay_lease AS lease (name, owner, expires_at)
            VALUES (:name, :owner, now() + make_interval(secs => :ttlSeconds))
            ON CONFLICT (name) DO UPDATE
                SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
                WHERE lease.owner = EXCLUDED.owner OR lease.expires_at < now()
            """;

    /** Expires our lease at once, so a standby takes over without waiting out the TTL. */
    private static final String RELEASE = """
            UPDATE messaging_relay_lease
               SET expires_at = now()
             WHERE name = :name AND owner = :owner
            """;

    /**
     * Whether nobody took the lease since our last renewal. Expiry does not matter here: while the owner is still
     * us, no other relay can have published (a relay publishes only after writing itself in as owner).
     */
    private static final String STILL_OURS = """
            SELECT count(*)
              FROM messaging_relay_lease
             WHERE name = :name AND owner = :owner
            """;

    /**
     * Deletes published rows only while the lease is still ours, in one statement: the fence and the delete cannot
     * be told apart by another relay taking over in between.
     */
    static final String DELETE_IF_STILL_OURS = """
            DELETE FROM messaging_outbox
             WHERE id = ANY(:ids)
               AND EXISTS (SELECT 1 FROM messaging_relay_lease WHERE name = :name AND owner = :owner)
            """;

    static final String NAME = "outbox-relay";

    private final JdbcClient jdbc;
    private final String owner;
    private final double ttlSeconds;

    RelayLease(JdbcClient jdbc, String owner, Duration ttl) {
        this.jdbc = jdbc;
        this.owner = owner;
        this.ttlSeconds = ttl.toMillis() / 1000.0;
    }

    /** Takes or renews the lease; {@code true} when this relay holds it until now + TTL. */
    boolean tryHold() {
        int rows = jdbc.sql(TAKE_OR_RENEW)
                .param("name", NAME)
                .param("owner", owner)
                .param("ttlSeconds", ttlSeconds)
                .update();
        return rows == 1;
    }

    /** {@code true} when no other relay has taken the lease since this one last held it. */
    boolean stillOurs() {
        return jdbc.sql(STILL_OURS).param("name", NAME).param("owner", owner).query(Long.class).single() == 1;
    }

    /**
     * Deletes the given outbox rows if no other relay has taken the lease since this one last held it; the rows
     * deleted, 0 when the lease was lost (or every row was gone already: {@link #stillOurs()} tells which).
     */
    int deleteIfStillOurs(UUID[] ids) {
        return jdbc.sql(DELETE_IF_STILL_OURS).param("ids", ids).param("name", NAME).param("owner", owner).update();
    }

    /** Gives the lease up; {@code false} when it was not ours (any more). */
    boolean release() {
        return jdbc.sql(RELEASE).param("name", NAME).param("owner", owner).update() == 1;
    }

    String owner() {
        return owner;
    }
}
