-- What the test application's dead-letter handler saw: one row per dead letter handed to it.
CREATE TABLE dead_letter_effect (
    id             bigserial PRIMARY KEY,
    dead_letter_id uuid      NOT NULL,
    source_topic   text      NOT NULL,
    origin         text      NOT NULL,
    record_key     text,
    saga_id        uuid,
    message_id     uuid,
    message_type   text,
    reason         text      NOT NULL,
    original_value text
);
