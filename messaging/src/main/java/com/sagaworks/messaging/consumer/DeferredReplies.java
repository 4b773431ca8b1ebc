package com.sagaworks.messaging.consumer;

import java.util.UUID;

/** Sends the reply of a command whose handler returned {@link DeferredReply#LATER}. */
public interface DeferredReplies {

    /**
     * In the caller's transaction (refuses to run without one): queues {@code reply} in the outbox correlated with
     * {@code commandId} and stores it in that command's inbox row, so a later redelivery of the command re-sends
     * exactly this reply.
     *
     * @return false if the command already has a reply (the completion had happened before); nothing is sent then
     * @throws IllegalStateException if the command was never received
     */
    boolean complete(UUID commandId, Object reply);
}
