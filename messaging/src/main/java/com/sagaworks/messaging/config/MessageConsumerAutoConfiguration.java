package com.sagaworks.messaging.config;

import com.sagaworks.messaging.consumer.BatchConsumer;
import com.sagaworks.messaging.consumer.MessageHandlers;
import com.sagaworks.messaging.inbox.Inbox;
import com.sagaworks.messaging.metrics.MessagingMetrics;
import com.sagaworks.messaging.outbox.JdbcOutbox;
import com.sagaworks.messaging.retry.TransactionRunner;
import com.sagaworks.messaging.tracing.MessageTracing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.backoff.ExponentialBackOff;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.Map;

/**
 * The batch consumer, when the service declares a {@link MessageHandlers} bean and unless
 * {@code sagaworks.messaging.consumer.enabled=false}: a {@link ConcurrentMessageListenerContainer} named
 * {@code messagingListenerContainer} on the handlers' topics, with {@link BatchConsumer} as its listener.
 */
@AutoConfiguration(after = {MessagingAutoConfiguration.class, KafkaAutoConfiguration.class})
@ConditionalOnBean({MessagingSchema.class, MessageHandlers.class})
@ConditionalOnProperty(prefix = "sagaworks.messaging.consumer", name = "enabled", havingValue = "true",
        matchIfMissing = true)
public class MessageConsumerAutoConfiguration {

    /** A service (or a test) may declare its own, a subclass say, and the container takes that one. */
    @Bean
    @ConditionalOnMissingBean
    BatchConsumer messagingBatchConsumer(MessageHandlers handlers, Inbox inbox, JdbcOutbox outbox, JsonMapper json,
                                         TransactionRunner transactionRunner,
                                         PlatformTransactionManager transactionManager, MessagingMetrics metrics,
                                         MessageTracing messageTracing) {
        return new BatchConsumer(handlers, inbox, outbox, json, transactionRunner, transactionManager, metrics,
                messageTracing);
    }

    @Bean
    ConcurrentMessageListenerContainer<String, String> messagingListenerContainer(
            BatchConsumer listener, MessageHandlers handlers, KafkaProperties kafkaProperties,
            KafkaConnectionDetails connectionDetails, MessagingProperties properties, Environment environment) {
        MessagingProperties.Consumer settings = properties.consumer();
        Map<String, Object> config =
                KafkaClientSettings.of(kafkaProperties.buildConsumerProperties(), connectionDetails.getConsumer());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(settings, environment));
        // Strings, so a value that is not valid JSON reaches the listener and is dead-lettered there instead of
        // failing inside the container.
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        // Offsets are committed by the container after the batch transaction committed, never before.
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.batchSize());

        ContainerProperties containerProperties = new ContainerProperties(handlers.topics().toArray(String[]::new));
        commitOffsetsEvery(settings.commitInterval(), containerProperties);
        containerProperties.setMessageListener(listener);
        // Bounds how long a stop waits for the poll in progress.
        containerProperties.setPollTimeout(1000);

        ConcurrentMessageListenerContainer<String, String> container =
                new ConcurrentMessageListenerContainer<>(new DefaultKafkaConsumerFactory<>(config), containerProperties);
        container.setConcurrency(settings.concurrency());
        container.setCommonErrorHandler(redeliverForever(settings));
        return container;
    }

    /**
     * Offsets only ever cover batches whose transaction committed (the container adds a batch's offsets once the
     * listener returned); {@code interval} is how often they are sent: after every batch when zero, otherwise after
     * the first batch (or empty poll) once the interval has passed, and on a rebalance or stop.
     */
    static void commitOffsetsEvery(Duration interval, ContainerProperties containerProperties) {
        if (interval.isZero()) {
            containerProperties.setAckMode(ContainerProperties.AckMode.BATCH);
        } else {
            containerProperties.setAckMode(ContainerProperties.AckMode.TIME);
            containerProperties.setAckTime(interval.toMillis());
        }
    }

    /**
     * The batch failed although transient errors were already retried inside the listener: redeliver it, with
     * growing pauses, for as long as it takes. No recoverer skips a record here; a record that can never be
     * handled is dead-lettered by the listener, inside the transaction.
     */
    private static DefaultErrorHandler redeliverForever(MessagingProperties.Consumer settings) {
        ExponentialBackOff backOff = new ExponentialBackOff(settings.redeliveryInitialDelay().toMillis(), 2.0);
        backOff.setMaxInterval(settings.redeliveryMaxDelay().toMillis());
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        backOff.setMaxAttempts(Long.MAX_VALUE);
        DefaultErrorHandler errorHandler = new DefaultErrorHandler(backOff);
        // By default some exception types skip the retries and go straight to the (skipping) recoverer.
        errorHandler.setClassifications(Map.of(), true);
        return errorHandler;
    }

    private static String groupId(MessagingProperties.Consumer settings, Environment environment) {
        if (settings.groupId() != null && !settings.groupId().isBlank()) {
            return settings.groupId();
        }
        String applicationName = environment.getProperty("spring.application.name");
        if (applicationName == null || applicationName.isBlank()) {
            throw new IllegalStateException(
                    "set sagaworks.messaging.consumer.group-id or spring.application.name for the consumer group");
        }
        return applicationName;
    }
}
