-- A customer's account; a charge takes money from it, a refund puts it back.
CREATE TABLE account (
    customer_id   text PRIMARY KEY CHECK (customer_id <> ''),
    -- the CHECK is the last line of defence against charging more than there is
    balance_cents bigint NOT NULL CHECK (balance_cents >= 0)
);
