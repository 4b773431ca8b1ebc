-- Demo accounts (profile "demo"): alice can pay for anything, bob for a few orders, carol for nothing.
-- Repeatable rather than versioned, so it never gets in the way of later versioned migrations; accounts
-- that already exist keep their current balance.
INSERT INTO account (customer_id, balance_cents) VALUES
    ('alice', 1000000),
    ('bob',     50000),
    ('carol',       0)
ON CONFLICT (customer_id) DO NOTHING;
