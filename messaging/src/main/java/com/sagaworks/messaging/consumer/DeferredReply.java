package com.sagaworks.messaging.consumer;

/**
 * Returned by a {@link CommandHandler} whose answer depends on a call that must not happen inside the consumer's
 * transaction (an external payment provider, say). The handler records what it will do and commits; the reply is
 * sent later, in another transaction, through {@link DeferredReplies#complete}. Until then a redelivered command
 * re-sends nothing: the pending work will answer.
 */
public final class DeferredReply {

    /** The one instance handlers return. */
    public static final DeferredReply LATER = new DeferredReply();

    private DeferredReply() {
    }

    @Override
    public String toString() {
        return "DeferredReply.LATER";
    }
}
