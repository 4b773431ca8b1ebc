-- Orders and their lines. The status machine lives in order_status_transition (the same pairs as
-- OrderStatus in code, kept equal by a test) and is enforced by a trigger, so no writer can skip it.

CREATE TABLE order_status_transition (
    from_status text NOT NULL,
    to_status   text NOT NULL,
    PRIMARY KEY (from_status, to_status)
);

INSERT INTO order_status_transition (from_status, to_status)
VALUES ('PENDING', 'CONFIRMED'),
       ('PENDING', 'CANCELLED');

CREATE TABLE orders (
    id              uuid        PRIMARY KEY,
    customer_id     text        NOT NULL CHECK (btrim(customer_id) <> '' AND length(customer_id) <= 64),
    status          text        NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'CANCELLED')),
    reason          text,
    total_cents     bigint      CHECK (total_cents >= 0),
    -- One key, one order: the unique index is what makes concurrent retries create a single order.
    idempotency_key text        NOT NULL UNIQUE,
    request_hash    text        NOT NULL,
    version         int         NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orders_reason_iff_cancelled CHECK ((status = 'CANCELLED') = (reason IS NOT NULL)),
    CONSTRAINT orders_confirmed_has_total CHECK (status <> 'CONFIRMED' OR total_cents IS NOT NULL)
);

CREATE TABLE order_line (
    order_id         uuid   NOT NULL REFERENCES orders (id),
    line_no          int    NOT NULL CHECK (line_no >= 1),
    sku              text   NOT NULL CHECK (btrim(sku) <> '' AND length(sku) <= 64),
    quantity         int    NOT NULL CHECK (quantity > 0),
    -- Inventory's price, set when the order is confirmed; clients never send prices.
    unit_price_cents bigint CHECK (unit_price_cents >= 0),
    PRIMARY KEY (order_id, line_no),
    CONSTRAINT order_line_sku_once UNIQUE (order_id, sku)
);

-- Refuses, with SQLSTATE 23514 (check_violation):
--   * a new order that is not PENDING;
--   * a change of identity (id, customer, idempotency key, request hash, creation time);
--   * an update that does not raise the version by exactly one (optimistic concurrency for every writer);
--   * a status change not listed in order_status_transition, and any change to a final order;
--   * a CONFIRMED order with an unpriced line.
CREATE FUNCTION orders_guard() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'PENDING' THEN
            RAISE EXCEPTION 'order % must be created PENDING, not %', NEW.id, NEW.status
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;

    IF NEW.id <> OLD.id OR NEW.customer_id <> OLD.customer_id OR NEW.idempotency_key <> OLD.idempotency_key
        OR NEW.request_hash <> OLD.request_hash OR NEW.created_at <> OLD.created_at THEN
        RAISE EXCEPTION 'order %: id, customer, idempotency key, request hash and creation time never change', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;

    IF NEW.version <> OLD.version + 1 THEN
        RAISE EXCEPTION 'order %: version must go from % to %, not %', OLD.id, OLD.version, OLD.version + 1, NEW.version
            USING ERRCODE = 'check_violation';
    END IF;

    IF NEW.status <> OLD.status THEN
        IF NOT EXISTS (SELECT 1 FROM order_status_transition WHERE from_status = OLD.status AND to_status = NEW.status) THEN
            RAISE EXCEPTION 'order %: % -> % is not an allowed status change', OLD.id, OLD.status, NEW.status
                USING ERRCODE = 'check_violation';
        END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM order_status_transition WHERE from_status = OLD.status) THEN
        RAISE EXCEPTION 'order % is % and can no longer change', OLD.id, OLD.status
            USING ERRCODE = 'check_violation';
    END IF;

    IF NEW.status = 'CONFIRMED'
        AND EXISTS (SELECT 1 FROM order_line WHERE order_id = NEW.id AND unit_price_cents IS NULL) THEN
        RAISE EXCEPTION 'order % cannot be CONFIRMED while a line has no price', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;

    RETURN NEW;
END
$$;

CREATE TRIGGER orders_guard
    BEFORE INSERT OR UPDATE ON orders
    FOR EACH ROW
EXECUTE FUNCTION orders_guard();
