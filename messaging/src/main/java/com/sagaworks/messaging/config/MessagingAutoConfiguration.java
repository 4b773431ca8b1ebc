package com.sagaworks.messaging.config;

import com.sagaworks.contracts.MessageCatalog;
import com.sagaworks.contracts.Topics;
import com.sagaworks.messaging.consumer.DeferredReplies;
import com.sagaworks.messaging.consumer.JdbcDeferredReplies;
import com.sagaworks.messaging.inbox.Inbox;
import com.sagaworks.messaging.inbox.InboxRetention;
import com.sagaworks.messaging.metrics.MessagingMetrics;
import com.sagaworks.messaging.metrics.TableGauges;
import com.sagaworks.messaging.outbox.JdbcOutbox;
import com.sagaworks.messaging.retry.RetryingTransactionRunner;
import com.sagaworks.messaging.retry.TransactionRunner;
import com.sagaworks.messaging.tracing.MessageTracing;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.json.JsonMapper;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Wires the core of the messaging library into a service: schema migration, outbox, inbox, transaction runner
 * and topic declarations. The relay and the consumer have auto-configurations of their own
 * ({@link OutboxRelayAutoConfiguration}, {@link MessageConsumerAutoConfiguration}). Uses the service's
 * DataSource, transaction manager and Jackson {@link JsonMapper}.
 */
@AutoConfiguration(after = {DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
        TransactionAutoConfiguration.class, JacksonAutoConfiguration.class, KafkaAutoConfiguration.class,
        FlywayAutoConfiguration.class})
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties(MessagingProperties.class)
@Import(MessageTracingConfiguration.class)
public class MessagingAutoConfiguration {

    /** Scrapes within this long of each other share one read of the tables. */
    private static final Duration GAUGE_MAX_AGE = Duration.ofSeconds(5);

    /**
     * Asks for the service's Flyway initializer first: the service's migrations must run on the empty schema
     * before the library's tables appear, or its Flyway would find a non-empty schema without history.
     */
    @Bean
    MessagingSchema messagingSchema(DataSource dataSource,
                                    ObjectProvider<FlywayMigrationInitializer> serviceMigrations) {
        // Creating the initializer is what runs the service's migrations.
        serviceMigrations.getIfAvailable();
        return new MessagingSchema(dataSource);
    }

    /**
     * The library's meters, in the service's {@link MeterRegistry} when it has one (actuator); otherwise meters
     * that record nothing, and no table gauges polling the database.
     */
    @Bean
    MessagingMetrics messagingMetrics(ObjectProvider<MeterRegistry> registries, DataSource dataSource,
                                      MessagingSchema schema) {
        MeterRegistry registry = registries.getIfUnique();
        if (registry == null) {
            return MessagingMetrics.none();
        }
        new TableGauges(JdbcClient.create(dataSource), GAUGE_MAX_AGE).register(registry);
        return new MessagingMetrics(registry);
    }

    @Bean
    @ConditionalOnMissingBean
    TransactionRunner transactionRunner(PlatformTransactionManager transactionManager, MessagingProperties properties,
                                        MessagingMetrics metrics) {
        MessagingProperties.Retry retry = properties.retry();
        return new RetryingTransactionRunner(transactionManager, retry.maxAttempts(), retry.initialDelay(),
                retry.maxDelay(), metrics);
    }

    /** Takes {@link MessagingSchema} so that its tables exist before anything writes to them. */
    @Bean
    JdbcOutbox messagingOutbox(DataSource dataSource, JsonMapper json, MessagingSchema schema,
                               MessageTracing messageTracing) {
        return new JdbcOutbox(JdbcClient.create(dataSource), json, messageTracing);
    }

    @Bean
    Inbox messagingInbox(DataSource dataSource, JsonMapper json, MessagingSchema schema) {
        return new Inbox(JdbcClient.create(dataSource), json);
    }

    /** Completes the replies of commands whose handler returned {@code DeferredReply.LATER}. */
    @Bean
    @ConditionalOnMissingBean(DeferredReplies.class)
    JdbcDeferredReplies messagingDeferredReplies(Inbox inbox, JdbcOutbox outbox) {
        return new JdbcDeferredReplies(inbox, outbox);
    }

    @Bean
    @ConditionalOnProperty(prefix = "sagaworks.messaging.retention", name = "enabled", havingValue = "true",
            matchIfMissing = true)
    InboxRetention messagingInboxRetention(DataSource dataSource, MessagingProperties properties,
                                           MessagingMetrics metrics, MessagingSchema schema) {
        MessagingProperties.Retention retention = properties.retention();
        return new InboxRetention(JdbcClient.create(dataSource), retention.inbox(), retention.interval(),
                retention.batchSize(), metrics);
    }

    /** Every catalogued topic and its dead-letter topic; the broker does not auto-create topics. */
    @Bean
    @ConditionalOnProperty(prefix = "sagaworks.messaging.topics", name = "create", havingValue = "true",
            matchIfMissing = true)
    KafkaAdmin.NewTopics messagingTopics(MessagingProperties properties) {
        MessagingProperties.Topics settings = properties.topics();
        Set<String> names = new LinkedHashSet<>();
        MessageCatalog.entries().forEach(entry -> {
            names.add(entry.topic());
            names.add(Topics.deadLetterOf(entry.topic()));
        });
        List<NewTopic> topics = new ArrayList<>();
        names.forEach(name -> topics.add(new NewTopic(name, settings.partitions(), settings.replicationFactor())));
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }
}
