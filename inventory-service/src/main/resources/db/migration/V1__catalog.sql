-- The catalog: what can be ordered, at what price, and how many units are free to reserve.
CREATE TABLE product (
    sku         text PRIMARY KEY CHECK (sku <> ''),
    name        text   NOT NULL,
    price_cents bigint NOT NULL CHECK (price_cents > 0),
    -- units not held by any reservation; the CHECK is the last line of defence against overselling
    available   int    NOT NULL CHECK (available >= 0)
);
