-- One reservation per saga: every line of the order reserved, or a rejection, or a release.
CREATE TABLE reservation (
    saga_id       uuid PRIMARY KEY,
    order_id      uuid        NOT NULL,
    status        text        NOT NULL CHECK (status IN ('RESERVED', 'REJECTED', 'RELEASED')),
    -- why a reservation was REJECTED (a StockRejected.Reason) and the skus that caused it, so a repeated
    -- ReserveStock for the saga gets the same answer
    reason        text CHECK (reason IN ('OUT_OF_STOCK', 'UNKNOWN_PRODUCT')),
    rejected_skus text[]      NOT NULL DEFAULT '{}',
    total_cents   bigint      NOT NULL DEFAULT 0 CHECK (total_cents >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'REJECTED') = (reason IS NOT NULL))
);

CREATE INDEX reservation_order ON reservation (order_id);

-- The units a reservation holds, priced from the catalog when it was made. A RELEASED reservation keeps
-- its lines as the record of what it once held; only RESERVED lines count against stock.
CREATE TABLE reservation_line (
    saga_id          uuid   NOT NULL REFERENCES reservation (saga_id),
    sku              text   NOT NULL REFERENCES product (sku),
    quantity         int    NOT NULL CHECK (quantity > 0),
    unit_price_cents bigint NOT NULL CHECK (unit_price_cents > 0),
    PRIMARY KEY (saga_id, sku)
);

CREATE INDEX reservation_line_sku ON reservation_line (sku);

-- Must equal ReservationStatus.canBecome (ReservationStatusTransitionsIT compares them): the only move is
-- RESERVED -> RELEASED; REJECTED and RELEASED are final. What a reservation held never changes.
CREATE FUNCTION reservation_guard_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT (OLD.status = 'RESERVED' AND NEW.status = 'RELEASED') THEN
        RAISE EXCEPTION 'illegal reservation transition % -> % for saga %', OLD.status, NEW.status, OLD.saga_id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.saga_id <> OLD.saga_id OR NEW.order_id <> OLD.order_id OR NEW.total_cents <> OLD.total_cents
            OR NEW.reason IS DISTINCT FROM OLD.reason OR NEW.rejected_skus <> OLD.rejected_skus
            OR NEW.created_at <> OLD.created_at THEN
        RAISE EXCEPTION 'only the status of reservation % may change', OLD.saga_id
            USING ERRCODE = 'check_violation';
    END IF;
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER reservation_guard_transition
    BEFORE UPDATE ON reservation
    FOR EACH ROW EXECUTE FUNCTION reservation_guard_transition();
