-- Orders belong to the API client that placed them; idempotency keys are scoped per client; a customer's
-- orders are listed newest first from an index; every status change is announced with NOTIFY so that any
-- order-service instance can wake the requests waiting for that order.

-- Orders placed before clients authenticated have no known owner; they go to a client name no default
-- configuration uses, so nobody sees them unless an operator configures that client on purpose.
ALTER TABLE orders
    ADD COLUMN client_id text NOT NULL DEFAULT 'pre-authentication'
        CONSTRAINT orders_client_id_valid CHECK (btrim(client_id) <> '' AND length(client_id) <= 64);
ALTER TABLE orders ALTER COLUMN client_id DROP DEFAULT;

-- One key, one order, per client: two clients that happen to pick the same key (both counting from 1, say)
-- each get their own order, and no client can reach another's order through a key.
ALTER TABLE orders DROP CONSTRAINT orders_idempotency_key_key;
ALTER TABLE orders ADD CONSTRAINT orders_client_idempotency_key UNIQUE (client_id, idempotency_key);

-- GET /orders?customerId=..: equality on the first two columns, then already in the answer's order, so a
-- page is an index range scan that stops after page + 1 rows, with no sort.
CREATE INDEX orders_client_customer_newest ON orders (client_id, customer_id, created_at DESC, id DESC);

-- The guard of V1, now also keeping the owning client fixed.
CREATE OR REPLACE FUNCTION orders_guard() RETURNS trigger
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

    IF NEW.id <> OLD.id OR NEW.customer_id <> OLD.customer_id OR NEW.client_id <> OLD.client_id
        OR NEW.idempotency_key <> OLD.idempotency_key OR NEW.request_hash <> OLD.request_hash
        OR NEW.created_at <> OLD.created_at THEN
        RAISE EXCEPTION 'order %: id, customer, client, idempotency key, request hash and creation time never change', OLD.id
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

-- NOTIFY is delivered on commit and never for a rolled-back change, so a listener only hears of statuses
-- that really exist. The payload is the order id; listeners read the order itself.
CREATE FUNCTION orders_notify_status() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM pg_notify('order_status', NEW.id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER orders_notify_status
    AFTER UPDATE OF status ON orders
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status)
EXECUTE FUNCTION orders_notify_status();
