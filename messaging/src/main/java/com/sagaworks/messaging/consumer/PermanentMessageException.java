package com.sagaworks.messaging.consumer;

/**
 * Thrown by a handler when a message can never be handled (it contradicts the state it refers to, names
 * something that does not exist...). The record's work is rolled back, the message goes to the dead-letter
 * topic with this exception's message as the reason, and the consumer moves on.
 */
public class PermanentMessageException extends RuntimeException {

    public PermanentMessageException(String reason) {
        super(reason);
    }

    public PermanentMessageException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
