-- Admin view (issue #5): operator actions on the timeline, their audit trail, and indexes for search and paging.

-- An operator action that moved a saga is a timeline row of its own kind.
ALTER TABLE saga_history DROP CONSTRAINT saga_history_kind_check;
ALTER TABLE saga_history ADD CONSTRAINT saga_history_kind_check
    CHECK (kind IN ('STARTED', 'TRANSITION', 'TIMEOUT', 'IGNORED', 'DEAD_LETTER', 'OPERATOR'));

-- Who did what to which saga, when and why; refused attempts too (a double submit, a saga that moved meanwhile),
-- so support can see that a second click changed nothing. Append-only like the history.
CREATE TABLE saga_operator_action (
    id           bigserial PRIMARY KEY,
    saga_id      uuid        NOT NULL REFERENCES saga (id),
    actor        text        NOT NULL,
    action       text        NOT NULL CHECK (action IN ('RETRY', 'COMPENSATE', 'RESOLVE_COMPENSATED', 'RESOLVE_COMPLETED')),
    reason       text        NOT NULL CHECK (length(trim(reason)) > 0),
    seen_version integer     NOT NULL,
    outcome      text        NOT NULL CHECK (outcome IN ('APPLIED', 'REFUSED')),
    detail       text,
    commands     jsonb       NOT NULL DEFAULT '[]',
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX saga_operator_action_saga ON saga_operator_action (saga_id, id);

CREATE TRIGGER saga_operator_action_append_only
    BEFORE UPDATE OR DELETE ON saga_operator_action
    FOR EACH ROW EXECUTE FUNCTION saga_refuse_delete();

-- Search pages newest first with a keyset (created_at, id); each filter has an index that yields that order.
CREATE INDEX saga_created ON saga (created_at DESC, id DESC);
CREATE INDEX saga_business_key ON saga (business_key);
CREATE INDEX saga_customer ON saga ((data ->> 'customerId'), created_at DESC, id DESC);
CREATE INDEX saga_status_created ON saga (status, created_at DESC, id DESC);
CREATE INDEX saga_step_created ON saga (current_step, created_at DESC, id DESC) WHERE current_step IS NOT NULL;
-- the oldest waiting saga and the "needs attention" list read only the few non-terminal or FAILED rows
CREATE INDEX saga_open_updated ON saga (updated_at) WHERE status IN ('RUNNING', 'COMPENSATING', 'FAILED');
CREATE INDEX saga_waiting_created ON saga (created_at) WHERE status IN ('RUNNING', 'COMPENSATING');
