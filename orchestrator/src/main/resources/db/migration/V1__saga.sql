-- Saga instances, their append-only history, and the status machine enforced by the database.

CREATE TABLE saga_status_transition (
    from_status text NOT NULL,
    to_status   text NOT NULL,
    PRIMARY KEY (from_status, to_status)
);

-- Must equal SagaStatus.TRANSITIONS (SagaStatusTransitionsIT compares them).
INSERT INTO saga_status_transition (from_status, to_status) VALUES
    ('RUNNING', 'RUNNING'), ('RUNNING', 'COMPENSATING'), ('RUNNING', 'COMPLETED'), ('RUNNING', 'COMPENSATED'),
    ('RUNNING', 'FAILED'),
    ('COMPENSATING', 'COMPENSATING'), ('COMPENSATING', 'COMPENSATED'), ('COMPENSATING', 'FAILED'),
    ('FAILED', 'COMPENSATING'), ('FAILED', 'COMPENSATED'), ('FAILED', 'COMPLETED');

CREATE TABLE saga (
    id                  uuid PRIMARY KEY,
    type                text        NOT NULL,
    business_key        text        NOT NULL,
    status              text        NOT NULL
        CHECK (status IN ('RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'FAILED')),
    current_step        text,
    version             integer     NOT NULL CHECK (version > 0),
    data                jsonb       NOT NULL,
    awaiting_message_id uuid,
    attempt             integer     NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    failure_reason      text,
    deadline_at         timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (type, business_key),
    -- a saga that waits has a step, a command to wait for and a deadline; an ended one waits for nothing
    CHECK ((status IN ('RUNNING', 'COMPENSATING')) =
           (current_step IS NOT NULL AND awaiting_message_id IS NOT NULL AND deadline_at IS NOT NULL))
);

CREATE INDEX saga_waiting_deadline ON saga (deadline_at) WHERE status IN ('RUNNING', 'COMPENSATING');
CREATE INDEX saga_status_updated ON saga (status, updated_at);

CREATE FUNCTION saga_guard_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'RUNNING' OR NEW.version <> 1 THEN
            RAISE EXCEPTION 'a saga starts RUNNING at version 1, not % at %', NEW.status, NEW.version
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.id <> OLD.id OR NEW.type <> OLD.type OR NEW.business_key <> OLD.business_key THEN
        RAISE EXCEPTION 'saga % identity is immutable', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.version <> OLD.version + 1 THEN
        RAISE EXCEPTION 'saga % version must go from % to %, not %', OLD.id, OLD.version, OLD.version + 1, NEW.version
            USING ERRCODE = 'check_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM saga_status_transition t
                   WHERE t.from_status = OLD.status AND t.to_status = NEW.status) THEN
        RAISE EXCEPTION 'illegal saga transition % -> % for saga %', OLD.status, NEW.status, OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER saga_guard_transition
    BEFORE INSERT OR UPDATE ON saga
    FOR EACH ROW EXECUTE FUNCTION saga_guard_transition();

CREATE FUNCTION saga_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never deleted or rewritten', TG_TABLE_NAME USING ERRCODE = 'check_violation';
END;
$$;

CREATE TRIGGER saga_refuse_delete
    BEFORE DELETE ON saga
    FOR EACH ROW EXECUTE FUNCTION saga_refuse_delete();

-- One row per transition (TIMEOUT: a deadline passed), plus one per message that changed nothing (IGNORED) and
-- one per message of the saga that some service dead-lettered (DEAD_LETTER), so the timeline is complete.
CREATE TABLE saga_history (
    id           bigserial PRIMARY KEY,
    saga_id      uuid        NOT NULL REFERENCES saga (id),
    kind         text        NOT NULL CHECK (kind IN ('STARTED', 'TRANSITION', 'TIMEOUT', 'IGNORED', 'DEAD_LETTER')),
    version      integer     NOT NULL,
    from_status  text,
    to_status    text        NOT NULL,
    from_step    text,
    to_step      text,
    message_id   uuid,
    message_type text,
    commands     jsonb       NOT NULL DEFAULT '[]',
    reason       text,
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX saga_history_saga ON saga_history (saga_id, id);
CREATE INDEX saga_history_dead_letters ON saga_history (created_at) WHERE kind = 'DEAD_LETTER';

CREATE TRIGGER saga_history_append_only
    BEFORE UPDATE OR DELETE ON saga_history
    FOR EACH ROW EXECUTE FUNCTION saga_refuse_delete();
