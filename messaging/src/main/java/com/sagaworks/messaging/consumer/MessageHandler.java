package com.sagaworks.messaging.consumer;

/**
 * Handles an event or a reply inside the consumer's transaction. A redelivered message is recognised by
 * the inbox and not handed over again.
 */
@FunctionalInterface
public interface MessageHandler<T> {

    void handle(IncomingMessage<T> message);
}
