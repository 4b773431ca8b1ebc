package com.sagaworks.contracts;

/** Kafka record headers every message carries (all values are UTF-8 strings). */
public final class MessageHeaders {

    /** Unique id of this message; consumers deduplicate on it. Re-sends keep the same id. */
    public static final String MESSAGE_ID = "message-id";
    /** Logical type name, see {@link MessageCatalog}. */
    public static final String MESSAGE_TYPE = "message-type";
    /** On a reply: the id of the command it answers. */
    public static final String CORRELATION_ID = "correlation-id";
    /** Saga the message belongs to, when there is one (also the record key of saga messages). */
    public static final String SAGA_ID = "saga-id";
    /** Dead-letter records: why the message could not be handled. */
    public static final String DEAD_LETTER_REASON = "dlt-reason";
    /** Dead-letter records: where the message came from, as {@code topic-partition@offset}. */
    public static final String DEAD_LETTER_ORIGIN = "dlt-origin";

    private MessageHeaders() {
    }
}
