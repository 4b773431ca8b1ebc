-- Tables of the shared messaging library. Applied by the library's own Flyway instance (history table
-- messaging_schema_history), so these versions never collide with a service's db/migration.

-- Shaped like Debezium's outbox so a CDC relay could replace the polling relay without a schema change.
CREATE TABLE messaging_outbox (
    id             uuid        PRIMARY KEY,
    -- publication order; per-key order holds because writers of one key are serialized by a row lock
    seq            bigserial   NOT NULL UNIQUE,
    topic          text        NOT NULL,
    aggregate_type text        NOT NULL,
    -- the Kafka record key; null only for the dead letter of a record that arrived without a key
    aggregate_id   text,
    type           text        NOT NULL,
    payload        jsonb       NOT NULL,
    headers        jsonb       NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- Statement level and with a constant payload: PostgreSQL folds identical notifications of one
-- transaction into one, so a batch of inserts wakes the relay once, at commit.
CREATE FUNCTION messaging_outbox_notify() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM pg_notify('messaging_outbox', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER messaging_outbox_notify
    AFTER INSERT ON messaging_outbox
    FOR EACH STATEMENT
    EXECUTE FUNCTION messaging_outbox_notify();

-- One row per handled message id. For a command, replies holds the outbox rows its handler produced,
-- so a redelivered command re-queues exactly the same messages (same ids).
CREATE TABLE messaging_inbox (
    message_id   uuid        PRIMARY KEY,
    message_type text        NOT NULL,
    topic        text        NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    replies      jsonb       NOT NULL DEFAULT '[]'
);

-- The relay that holds the unexpired lease is the only one publishing for this database.
CREATE TABLE messaging_relay_lease (
    name       text        PRIMARY KEY,
    owner      text        NOT NULL,
    expires_at timestamptz NOT NULL
);
