-- Demo catalog (profile "demo"). DEMO-LAST-5 has only five units, to watch orders race for the last ones.
-- Repeatable rather than versioned, so it never gets in the way of later versioned migrations; rows that
-- already exist keep their current stock.
INSERT INTO product (sku, name, price_cents, available) VALUES
    ('DEMO-BOOK',     'Paperback novel',         1299, 100),
    ('DEMO-CABLE',    'USB-C cable, 2 m',         899, 100),
    ('DEMO-HEADSET',  'Wireless headset',        7999, 100),
    ('DEMO-KEYBOARD', 'Mechanical keyboard',     8999, 100),
    ('DEMO-LAMP',     'Desk lamp',               3499, 100),
    ('DEMO-LAST-5',   'Limited edition print',  15000,   5),
    ('DEMO-MOUSE',    'Wireless mouse',          2499, 100),
    ('DEMO-MUG',      'Coffee mug',               999, 100)
ON CONFLICT (sku) DO NOTHING;
