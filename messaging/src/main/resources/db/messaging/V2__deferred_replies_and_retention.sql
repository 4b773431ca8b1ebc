-- Deferred replies (a command handler returned DeferredReply.LATER) and inbox retention.

-- Whether a reply is still owed for the message, see com.sagaworks.messaging.inbox.DeferredReplyStatus:
--   NONE      nothing is owed later: an event or reply, or a command its handler answered at once;
--   PENDING   the handler returned LATER: nothing was sent, a duplicate re-sends nothing, retention keeps it;
--   COMPLETED DeferredReplies.complete stored the reply in replies and queued it; a duplicate re-sends it.
-- Only NONE -> PENDING (when the handler defers) and PENDING -> COMPLETED (once) happen, both as guarded updates.
ALTER TABLE messaging_inbox
    ADD COLUMN deferred_reply text NOT NULL DEFAULT 'NONE'
        CONSTRAINT messaging_inbox_deferred_reply_check
            CHECK (deferred_reply IN ('NONE', 'PENDING', 'COMPLETED')),
    ADD COLUMN completed_at timestamptz,
    ADD CONSTRAINT messaging_inbox_completed_at_check
        CHECK ((deferred_reply = 'COMPLETED') = (completed_at IS NOT NULL));

-- Retention deletes the oldest rows in small batches; without this index every batch would scan the table.
CREATE INDEX messaging_inbox_received_at ON messaging_inbox (received_at);

-- Pending deferred replies are few and looked for (gauge, support): a partial index finds them without a scan.
CREATE INDEX messaging_inbox_pending_reply ON messaging_inbox (received_at) WHERE deferred_reply = 'PENDING';
