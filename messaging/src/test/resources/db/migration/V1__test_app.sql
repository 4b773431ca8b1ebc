-- The test application's own schema, migrated by Boot's Flyway into flyway_schema_history. Its V1 lives
-- beside the library's V1 (messaging_schema_history) as in a real service.
CREATE TABLE reservation_effect (
    id         bigserial PRIMARY KEY,
    saga_id    uuid      NOT NULL,
    command_id uuid      NOT NULL
);

CREATE TABLE event_effect (
    id             bigserial PRIMARY KEY,
    saga_id        uuid      NOT NULL,
    message_id     uuid      NOT NULL,
    correlation_id uuid
);
