-- Every movement of money, per saga: at most one CHARGE and one REFUND (UNIQUE (saga_id, kind)), so no
-- saga is ever charged or refunded twice. Append-only: a row is the record of money that moved.
CREATE TABLE payment_ledger (
    id           bigserial PRIMARY KEY,
    saga_id      uuid        NOT NULL,
    order_id     uuid        NOT NULL,
    customer_id  text        NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('CHARGE', 'REFUND')),
    amount_cents bigint      NOT NULL CHECK (amount_cents >= 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (saga_id, kind)
);

CREATE INDEX payment_ledger_customer ON payment_ledger (customer_id);

-- A refund gives back exactly what was charged (0 when nothing was: a tombstone), and once a saga is
-- refunded it is never charged. The service holds the saga's lock while it checks and writes, so these
-- reads see every earlier row of the saga.
CREATE FUNCTION payment_ledger_guard_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    charged bigint;
BEGIN
    IF NEW.kind = 'CHARGE' AND EXISTS (SELECT 1 FROM payment_ledger
                                       WHERE saga_id = NEW.saga_id AND kind = 'REFUND') THEN
        RAISE EXCEPTION 'saga % was refunded; it cannot be charged any more', NEW.saga_id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.kind = 'REFUND' THEN
        SELECT amount_cents INTO charged FROM payment_ledger WHERE saga_id = NEW.saga_id AND kind = 'CHARGE';
        IF NEW.amount_cents <> coalesce(charged, 0) THEN
            RAISE EXCEPTION 'refund of saga % must be % cents, not %', NEW.saga_id, coalesce(charged, 0),
                NEW.amount_cents USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER payment_ledger_guard_insert
    BEFORE INSERT ON payment_ledger
    FOR EACH ROW EXECUTE FUNCTION payment_ledger_guard_insert();

CREATE FUNCTION payment_ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'payment_ledger is append-only: % refused', TG_OP USING ERRCODE = 'check_violation';
END;
$$;

CREATE TRIGGER payment_ledger_append_only
    BEFORE UPDATE OR DELETE ON payment_ledger
    FOR EACH ROW EXECUTE FUNCTION payment_ledger_refuse_change();

CREATE TRIGGER payment_ledger_no_truncate
    BEFORE TRUNCATE ON payment_ledger
    FOR EACH STATEMENT EXECUTE FUNCTION payment_ledger_refuse_change();
