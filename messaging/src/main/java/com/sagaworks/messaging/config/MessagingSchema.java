package com.sagaworks.messaging.config;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;

import javax.sql.DataSource;

/**
 * Migrates the library's tables ({@code classpath:db/messaging}) with a Flyway instance of its own, recording
 * them in {@code messaging_schema_history}, so its versions never collide with the service's
 * {@code db/migration}. The outbox, the inbox, the relay and the consumer all depend on this bean.
 *
 * <p>Deliberately not a {@link Flyway} bean: Boot's Flyway auto-configuration backs off when one exists, and
 * the service's own migrations would silently stop running.
 */
public class MessagingSchema implements InitializingBean {

    /** Where the library's migrations live. */
    public static final String LOCATION = "classpath:db/messaging";
    /** The library's Flyway history table, apart from the service's {@code flyway_schema_history}. */
    public static final String HISTORY_TABLE = "messaging_schema_history";

    private static final Logger log = LoggerFactory.getLogger(MessagingSchema.class);

    private final DataSource dataSource;

    public MessagingSchema(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void afterPropertiesSet() {
        MigrateResult result = Flyway.configure(MessagingSchema.class.getClassLoader())
                .dataSource(dataSource)
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                .failOnMissingLocations(true)
                // The schema already holds the service's tables; without a baseline Flyway refuses it. The
                // baseline is version 0 so that V1 of the library still runs.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
        log.info("messaging schema at version {} ({} migrations applied now)", result.targetSchemaVersion,
                result.migrationsExecuted);
    }
}
