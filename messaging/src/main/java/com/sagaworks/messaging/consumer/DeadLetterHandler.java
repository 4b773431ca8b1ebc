package com.sagaworks.messaging.consumer;

/**
 * Takes dead letters from the dead-letter topics a service subscribed to with
 * {@link MessageHandlers.Builder#onDeadLetter}: inside the consumer's batch transaction, under a savepoint of its
 * own, once per dead letter (the inbox deduplicates on {@link DeadLetter#id()}).
 *
 * <p>A transient database error rolls the batch back and runs it again, as for any handler. Any other exception
 * rolls back this dead letter's writes, is logged with its stack trace and counted, and the dead letter is
 * skipped: it is not dead-lettered a second time.
 */
@FunctionalInterface
public interface DeadLetterHandler {

    void handle(DeadLetter letter);
}
