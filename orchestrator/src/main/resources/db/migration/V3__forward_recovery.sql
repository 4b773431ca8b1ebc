-- A saga's first compensation may find that the action it was to undo took effect after all (an approval answered
-- after its deadline): nothing has been undone yet, so the saga goes forward again. Must equal SagaStatus.TRANSITIONS.
INSERT INTO saga_status_transition (from_status, to_status) VALUES
    ('COMPENSATING', 'RUNNING'), ('COMPENSATING', 'COMPLETED');
