package com.sagaworks.messaging.consumer;

/**
 * Handles a command inside the consumer's transaction and returns the reply to send back. The reply is
 * written to the outbox in the same transaction, correlated with the command, and remembered in the inbox:
 * a redelivered command changes nothing and the same reply (same id) is sent again.
 */
@FunctionalInterface
public interface CommandHandler<C> {

    Object handle(IncomingMessage<C> command);
}
