-- Confirming an order prices its lines and moves its status in one statement (order-service's approval), the
-- lines' update a data-modifying WITH of the order's. A BEFORE trigger on orders cannot see that sibling's rows,
-- so the rule "no CONFIRMED order with an unpriced line" moves to an AFTER trigger, which sees every change of
-- its statement. The guard of V2 stays as it was, without that rule.
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

    RETURN NEW;
END
$$;

CREATE FUNCTION orders_confirmed_lines_priced() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF EXISTS (SELECT 1 FROM order_line WHERE order_id = NEW.id AND unit_price_cents IS NULL) THEN
        RAISE EXCEPTION 'order % cannot be CONFIRMED while a line has no price', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER orders_confirmed_lines_priced
    AFTER UPDATE OF status ON orders
    FOR EACH ROW
    WHEN (NEW.status = 'CONFIRMED' AND OLD.status IS DISTINCT FROM NEW.status)
EXECUTE FUNCTION orders_confirmed_lines_priced();
