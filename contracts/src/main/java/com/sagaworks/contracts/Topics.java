package com.sagaworks.contracts;

/**
 * Kafka topic names. Commands flow to a participant's {@code *.commands} topic, its answers to
 * {@code *.replies}; {@link #ORDER_EVENTS} is the public, versioned topic other teams subscribe to.
 */
public final class Topics {

    public static final String INVENTORY_COMMANDS = "inventory.commands";
    public static final String INVENTORY_REPLIES = "inventory.replies";
    public static final String PAYMENT_COMMANDS = "payment.commands";
    public static final String PAYMENT_REPLIES = "payment.replies";
    public static final String ORDER_COMMANDS = "order.commands";
    public static final String ORDER_REPLIES = "order.replies";
    /** Public order events (schema version 1): OrderPlaced, OrderConfirmed, OrderCancelled. */
    public static final String ORDER_EVENTS = "order.events.v1";

    /** Suffix of the dead-letter topic that receives a topic's poison messages, with the reason. */
    public static final String DEAD_LETTER_SUFFIX = ".DLT";

    private Topics() {
    }

    public static String deadLetterOf(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }
}
