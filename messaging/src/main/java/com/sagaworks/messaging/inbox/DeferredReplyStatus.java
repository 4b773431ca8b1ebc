package com.sagaworks.messaging.inbox;

/**
 * Whether an inbox row still owes a reply that its handler deferred ({@code messaging_inbox.deferred_reply}).
 * Only {@code NONE -> PENDING} and {@code PENDING -> COMPLETED} happen, each once, as guarded updates.
 */
public enum DeferredReplyStatus {

    /** Nothing is owed later: an event or reply, or a command its handler answered at once. */
    NONE,
    /** The command's handler returned {@code DeferredReply.LATER}: nothing sent yet, a duplicate re-sends nothing. */
    PENDING,
    /** The deferred reply was stored and queued; a duplicate of the command re-sends it (same id). */
    COMPLETED
}
