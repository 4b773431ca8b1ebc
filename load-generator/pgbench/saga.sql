-- One successful place-order saga as PostgreSQL sees it from the four services, so that pgbench's "tps" is sagas/s.
-- Taken from the statement log of a real saga on the local stack (log_statement=all): the same statement text, the
-- same transaction boundaries, one transaction per message as the services run at low load (a batch of one).
-- Each service owns a schema of the benchmark database (see run-pgbench.sh); "SET search_path" before each
-- transaction stands for "this statement runs in that service's database" and is the only statement added.
-- Outbox rows are deleted one by one (the relay's DELETE ... WHERE id = ANY(...), fenced by its lease, a round per
-- row); the relay's batch read and its lease renewal (at most every half send window) are left out: under load a
-- round carries many rows. The consumers run a batch without savepoints (they make them only to re-run a batch that
-- met a poison record), so there are none here. A consumer batch of several records inserts their inbox rows with one
-- INSERT ... SELECT FROM unnest(arrays) before handling them, the orchestrator then reads and locks the sagas of its
-- replies with one SELECT ... WHERE id = ANY(...) (here with one id), and the outbox rows the batch queued are written
-- at its end by one INSERT ... SELECT FROM unnest(arrays), the replies stored in their inbox rows by the same
-- statement (BatchedSagaScript writes those forms; run-pgbench.sh runs this file through it with one saga per
-- transaction too, which merges the two outbox rows of step 7, as order-service writes them); a batch that queued a
-- single row uses the single-row INSERT, as written here.

\set r random(1, 9000000000000000)
\set sku random(0, 499)
\set cust random(0, 499)

-- 1. order-service, POST /orders: order with its line (one statement), OrderPlaced; the long poll of a
--    "Prefer: wait" placement watches the order before creating it and so does not read it
SET search_path = orders;
BEGIN;
WITH placed AS (
    INSERT INTO orders (id, client_id, customer_id, status, idempotency_key, request_hash)
        VALUES (md5('order' || :r)::uuid, 'demo-shop', 'loadgen-' || lpad(:cust::text, 4, '0'), 'PENDING', md5('key' || :r), 'v1:' || md5('hash' || :r))
        ON CONFLICT (client_id, idempotency_key) DO NOTHING
        RETURNING id, created_at
), lines AS (
    INSERT INTO order_line (order_id, line_no, sku, quantity)
        SELECT placed.id, l.line_no, l.sku, l.quantity
          FROM placed, unnest(CAST(ARRAY['LOADGEN-' || lpad(:sku::text, 4, '0')] AS text[]), CAST(ARRAY[1] AS int[])) WITH ORDINALITY AS l(sku, quantity, line_no)
        RETURNING 1
)
SELECT created_at, (SELECT count(*) FROM lines) AS lines FROM placed;
INSERT INTO messaging_outbox (id, topic, aggregate_type, aggregate_id, type, payload, headers)
    VALUES (md5('m1' || :r)::uuid, 'order.events.v1', 'order', md5('order' || :r), 'OrderPlaced',
            CAST('{"orderId":"4b7ce673-0d91-4b10-ada5-dc1bd622a0cb","customerId":"loadgen-0001","lines":[{"sku":"LOADGEN-0001","quantity":1}],"placedAt":"2026-11-22T02:49:07.447482Z"}' AS jsonb),
            CAST('{"message-id":"20c1221d-3d60-434e-ad91-0385eb1dc64a","message-type":"OrderPlaced","traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}' AS jsonb))
    ON CONFLICT (id) DO NOTHING;
COMMIT;
DELETE FROM messaging_outbox WHERE id = ANY(ARRAY[md5('m1' || :r)::uuid])
    AND EXISTS (SELECT 1 FROM messaging_relay_lease WHERE name = 'outbox-relay' AND owner = 'pgbench');

-- 2. orchestrator, OrderPlaced: inbox, saga and its history (one statement), ReserveStock
SET search_path = orchestrator;
BEGIN;
INSERT INTO messaging_inbox (message_id, message_type, topic) VALUES (md5('m1' || :r)::uuid, 'OrderPlaced', 'order.events.v1') ON CONFLICT (message_id) DO NOTHING;
WITH started AS (
    INSERT INTO saga (id, type, business_key, status, current_step, version, data, awaiting_message_id, failure_reason, deadline_at)
        VALUES (md5('saga' || :r)::uuid, 'place-order', md5('order' || :r), 'RUNNING', 'RESERVE_STOCK', 1,
                CAST('{"sagaId":"f2613414-6e67-35a5-9cd3-c3d80e0fe605","orderId":"4b7ce673-0d91-4b10-ada5-dc1bd622a0cb","customerId":"loadgen-0001","lines":[{"sku":"LOADGEN-0001","quantity":1}]}' AS jsonb),
                md5('m2' || :r)::uuid, NULL, now() + interval '30 seconds')
        ON CONFLICT (type, business_key) DO NOTHING
    RETURNING id, version, status, current_step)
INSERT INTO saga_history (saga_id, kind, version, from_status, to_status, from_step, to_step, message_id, message_type, commands, reason)
    SELECT id, 'STARTED', version, NULL, status, NULL, current_step, md5('m1' || :r)::uuid, 'OrderPlaced',
           CAST('[{"id":"a0fb6996-5451-38ff-baaf-ece50fbdb758","type":"ReserveStock"}]' AS jsonb), NULL FROM started;
INSERT INTO messaging_outbox (id, topic, aggregate_type, aggregate_id, type, payload, headers)
    VALUES (md5('m2' || :r)::uuid, 'inventory.commands', 'saga', md5('saga' || :r), 'ReserveStock',
            CAST('{"sagaId":"f2613414-6e67-35a5-9cd3-c3d80e0fe605","orderId":"4b7ce673-0d91-4b10-ada5-dc1bd622a0cb","lines":[{"sku":"LOADGEN-0001","quantity":1}]}' AS jsonb),
            CAST('{"message-id":"a0fb6996-5451-38ff-baaf-ece50fbdb758","message-type":"ReserveStock","saga-id":"f2613414-6e67-35a5-9cd3-c3d80e0fe605","traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}' AS jsonb))
    ON CONFLICT (id) DO NOTHING;
COMMIT;
DELETE FROM messaging_outbox WHERE id = ANY(ARRAY[md5('m2' || :r)::uuid])
    AND EXISTS (SELECT 1 FROM messaging_relay_lease WHERE name = 'outbox-relay' AND owner = 'pgbench');

-- 3. inventory-service, ReserveStock: inbox, lock, products locked, stock taken and reservation with its lines
--    (one statement), StockReserved queued and stored (one statement)
SET search_path = inventory;
BEGIN;
INSERT INTO messaging_inbox (message_id, message_type, topic) VALUES (md5('m2' || :r)::uuid, 'ReserveStock', 'inventory.commands') ON CONFLICT (message_id) DO NOTHING;
SELECT pg_advisory_xact_lock(444465153, hashtext(md5('saga' || :r)));
SELECT saga_id, order_id, status, reason, rejected_skus, total_cents, created_at, updated_at FROM reservation WHERE saga_id = md5('saga' || :r)::uuid;
SELECT sku, name, price_cents, available FROM product WHERE sku = ANY(ARRAY['LOADGEN-' || lpad(:sku::text, 4, '0')]) ORDER BY sku FOR UPDATE;
WITH taken AS (
    UPDATE product p SET available = p.available - l.quantity
      FROM unnest(CAST(ARRAY['LOADGEN-' || lpad(:sku::text, 4, '0')] AS text[]), CAST(ARRAY[1] AS int[])) AS l (sku, quantity)
     WHERE p.sku = l.sku AND p.available >= l.quantity
    RETURNING p.sku
), reserved AS (
    INSERT INTO reservation (saga_id, order_id, status, total_cents)
        VALUES (md5('saga' || :r)::uuid, md5('order' || :r)::uuid, 'RESERVED', 100)
    RETURNING saga_id
), recorded AS (
    INSERT INTO reservation_line (saga_id, sku, quantity, unit_price_cents)
        SELECT r.saga_id, l.sku, l.quantity, l.unit_price_cents
          FROM reserved r, unnest(CAST(ARRAY['LOADGEN-' || lpad(:sku::text, 4, '0')] AS text[]), CAST(ARRAY[1] AS int[]), CAST(ARRAY[100] AS bigint[]))
               AS l (sku, quantity, unit_price_cents)
    RETURNING sku
)
SELECT (SELECT count(*) FROM taken) AS taken, (SELECT count(*) FROM recorded) AS recorded;
WITH queued AS (
    INSERT INTO messaging_outbox (id, topic, aggregate_type, aggregate_id, type, payload, headers)
        VALUES (md5('m3' || :r)::uuid, 'inventory.replies', 'saga', md5('saga' || :r), 'StockReserved',
                CAST('{"sagaId":"f2613414-6e67-35a5-9cd3-c3d80e0fe605","lines":[{"sku":"LOADGEN-0001","quantity":1,"unitPriceCents":100}],"totalCents":100}' AS jsonb),
                CAST('{"message-id":"535d3127-1b94-4599-85d4-0050f657d9b2","message-type":"StockReserved","saga-id":"f2613414-6e67-35a5-9cd3-c3d80e0fe605","correlation-id":"a0fb6996-5451-38ff-baaf-ece50fbdb758","traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}' AS jsonb))
        ON CONFLICT (id) DO NOTHING)
UPDATE messaging_inbox SET replies = CAST('[{"id":"535d3127-1b94-4599-85d4-0050f657d9b2","topic":"inventory.replies","aggregateType":"saga","aggregateId":"f2613414-6e67-35a5-9cd3-c3d80e0fe605","type":"StockReserved","payload":"{\"sagaId\":\"f2613414-6e67-35a5-9cd3-c3d80e0fe605\",\"lines\":[{\"sku\":\"LOADGEN-0001\",\"quantity\":1,\"unitPriceCents\":100}],\"totalCents\":100}","headers":{"message-id":"535d3127-1b94-4599-85d4-0050f657d9b2","message-type":"StockReserved"}}]' AS jsonb)
    WHERE message_id = md5('m2' || :r)::uuid;
COMMIT;
DELETE FROM messaging_outbox WHERE id = ANY(ARRAY[md5('m3' || :r)::uuid])
    AND EXISTS (SELECT 1 FROM messaging_relay_lease WHERE name = 'outbox-relay' AND owner = 'pgbench');

-- 4. orchestrator, StockReserved: inbox, saga row lock, guarded update with its history (one statement), ChargePayment
SET search_path = orchestrator;
BEGIN;
INSERT INTO messaging_inbox (message_id, message_type, topic) VALUES (md5('m3' || :r)::uuid, 'StockReserved', 'inventory.replies') ON CONFLICT (message_id) DO NOTHING;
SELECT id, type, business_key, status, current_step, version, data::text AS data, awaiting_message_id, attempt, failure_reason, deadline_at, created_at, updated_at
    FROM saga WHERE id = ANY(ARRAY[md5('saga' || :r)::uuid]) ORDER BY id FOR UPDATE;
WITH moved AS (
    UPDATE saga SET status = 'RUNNING', current_step = 'CHARGE_PAYMENT', version = 2,
            data = CAST('{"sagaId":"f2613414-6e67-35a5-9cd3-c3d80e0fe605","orderId":"4b7ce673-0d91-4b10-ada5-dc1bd622a0cb","customerId":"loadgen-0001","lines":[{"sku":"LOADGEN-0001","quantity":1}],"pricedLines":[{"sku":"LOADGEN-0001","quantity":1,"unitPriceCents":100}],"totalCents":100}' AS jsonb),
            awaiting_message_id = md5('m4' || :r)::uuid, attempt = 1, failure_reason = NULL, deadline_at = now() + interval '30 seconds'
        WHERE id = md5('saga' || :r)::uuid AND version = 1
    RETURNING id, version, status, current_step)
INSERT INTO saga_history (saga_id, kind, version, from_status, to_status, from_step, to_step, message_id, message_type, commands, reason)
    SELECT id, 'TRANSITION', version, 'RUNNING', status, 'RESERVE_STOCK', current_step, md5('m3' || :r)::uuid, 'StockReserved',
           CAST('[{"id":"af58a9f3-95ec-377f-a160-95a875598a0a","type":"ChargePayment"}]' AS jsonb), NULL FROM moved;
INSERT INTO messaging_outbox (id, topic, aggregate_type, aggregate_id, type, payload, headers)
    VALUES (md5('m4' || :r)::uuid, 'payment.commands', 'saga', md5('saga' || :r), 'ChargePayment',
            CAST('{"sagaId":"f2613414-6e67-35a5-9cd3-c3d80e0fe605","orderId":"4b7ce673-0d91-4b10-ada5-dc1bd622a0cb","customerId":"loadgen-0001","amountCents":100}' AS jsonb),
            CAST('{"message-id":"af58a9f3-95ec-377f-a160-95a875598a0a","message-type":"ChargePayment","saga-id":"f2613414-6e67-35a5-9cd3-c3d80e0fe605","traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}' AS jsonb))
    ON CONFLICT (id) DO NOTHING;
COMMIT;
DELETE FROM messaging_outbox WHERE id = ANY(ARRAY[md5('m4' || :r)::uuid])
    AND EXISTS (SELECT 1 FROM messaging_relay_lease WHERE name = 'outbox-relay' AND owner = 'pgbench');

-- 5. payment-service, ChargePayment: inbox, lock, account locked and debited (one statement), ledger, PaymentCharged
--    queued and stored (one statement)
SET search_path = payment;
BEGIN;
INSERT INTO messaging_inbox (message_id, message_type, topic) VALUES (md5('m4' || :r)::uuid, 'ChargePayment', 'payment.commands') ON CONFLICT (message_id) DO NOTHING;
SELECT pg_advisory_xact_lock(712900609, hashtext(md5('saga' || :r)));
SELECT id, saga_id, order_id, customer_id, kind, amount_cents, created_at FROM payment_ledger WHERE saga_id = md5('saga' || :r)::uuid ORDER BY id;
WITH locked AS (
    SELECT customer_id, balance_cents FROM account WHERE customer_id = 'loadgen-' || lpad(:cust::text, 4, '0') FOR UPDATE
), debited AS (
    UPDATE account a SET balance_cents = locked.balance_cents - 100
      FROM locked
     WHERE a.customer_id = locked.customer_id AND locked.balance_cents >= 100
    RETURNING a.customer_id
)
SELECT locked.balance_cents, (SELECT count(*) FROM debited) AS debited FROM locked;
INSERT INTO payment_ledger (saga_id, order_id, customer_id, kind, amount_cents)
    VALUES (md5('saga' || :r)::uuid, md5('order' || :r)::uuid, 'loadgen-' || lpad(:cust::text, 4, '0'), 'CHARGE', 100);
WITH queued AS (
    INSERT INTO messaging_outbox (id, topic, aggregate_type, aggregate_id, type, payload, headers)
        VALUES (md5('m5' || :r)::uuid, 'payment.replies', 'saga', md5('saga' || :r), 'PaymentCharged',
                CAST('{"sagaId":"f2613414-6e67-35a5-9cd3-c3d80e0fe605","amountCents":100}' AS jsonb),
                CAST('{"message-id":"61408cd3-ebaa-4926-aaa9-ce4312d15bee","message-type":"PaymentCharged","saga-id":"f2613414-6e67-35a5-9cd3-c3d80e0fe605","correlation-id":"af58a9f3-95ec-377f-a160-95a875598a0a","traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}' AS jsonb))
        ON CONFLICT (id) DO NOTHING)
UPDATE messaging_inbox SET replies = CAST('[{"id":"61408cd3-ebaa-4926-aaa9-ce4312d15bee","topic":"payment.replies","aggregateType":"saga","aggregateId":"f2613414-6e67-35a5-9cd3-c3d80e0fe605","type":"PaymentCharged","payload":"{\"sagaId\":\"f2613414-6e67-35a5-9cd3-c3d80e0fe605\",\"amountCents\":100}","headers":{"message-id":"61408cd3-ebaa-4926-aaa9-ce4312d15bee","message-type":"PaymentCharged"}}]' AS jsonb)
    WHERE message_id = md5('m4' || :r)::uuid;
COMMIT;
DELETE FROM messaging_outbox WHERE id = ANY(ARRAY[md5('m5' || :r)::uuid])
    AND EXISTS (SELECT 1 FROM messaging_relay_lease WHERE name = 'outbox-relay' AND owner = 'pgbench');

-- 6. orchestrator, PaymentCharged: inbox, saga row lock, guarded update with its history (one statement), ApproveOrder
SET search_path = orchestrator;
BEGIN;
INSERT INTO messaging_inbox (message_id, message_type, topic) VALUES (md5('m5' || :r)::uuid, 'PaymentCharged', 'payment.replies') ON CONFLICT (message_id) DO NOTHING;
SELECT id, type, business_key, status, current_step, version, data::text AS data, awaiting_message_id, attempt, failure_reason, deadline_at, created_at, updated_at
    FROM saga WHERE id = ANY(ARRAY[md5('saga' || :r)::uuid]) ORDER BY id FOR UPDATE;
WITH moved AS (
    UPDATE saga SET status = 'RUNNING', current_step = 'APPROVE_ORDER', version = 3,
            data = CAST('{"sagaId":"f2613414-6e67-35a5-9cd3-c3d80e0fe605","orderId":"4b7ce673-0d91-4b10-ada5-dc1bd622a0cb","customerId":"loadgen-0001","lines":[{"sku":"LOADGEN-0001","quantity":1}],"pricedLines":[{"sku":"LOADGEN-0001","quantity":1,"unitPriceCents":100}],"totalCents":100}' AS jsonb),
            awaiting_message_id = md5('m6' || :r)::uuid, attempt = 1, failure_reason = NULL, deadline_at = now() + interval '30 seconds'
        WHERE id = md5('saga' || :r)::uuid AND version = 2
    RETURNING id, version, status, current_step)
INSERT INTO saga_history (saga_id, kind, version, from_status, to_status, from_step, to_step, message_id, message_type, commands, reason)
    SELECT id, 'TRANSITION', version, 'RUNNING', status, 'CHARGE_PAYMENT', current_step, md5('m5' || :r)::uuid, 'PaymentCharged',
           CAST('[{"id":"bf58a9f3-95ec-377f-a160-95a875598a0a","type":"ApproveOrder"}]' AS jsonb), NULL FROM moved;
INSERT INTO messaging_outbox (id, topic, aggregate_type, aggregate_id, type, payload, headers)
    VALUES (md5('m6' || :r)::uuid, 'order.commands', 'saga', md5('saga' || :r), 'ApproveOrder',
            CAST('{"sagaId":"f2613414-6e67-35a5-9cd3-c3d80e0fe605","orderId":"4b7ce673-0d91-4b10-ada5-dc1bd622a0cb","pricedLines":[{"sku":"LOADGEN-0001","quantity":1,"unitPriceCents":100}],"totalCents":100}' AS jsonb),
            CAST('{"message-id":"bf58a9f3-95ec-377f-a160-95a875598a0a","message-type":"ApproveOrder","saga-id":"f2613414-6e67-35a5-9cd3-c3d80e0fe605","traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}' AS jsonb))
    ON CONFLICT (id) DO NOTHING;
COMMIT;
DELETE FROM messaging_outbox WHERE id = ANY(ARRAY[md5('m6' || :r)::uuid])
    AND EXISTS (SELECT 1 FROM messaging_relay_lease WHERE name = 'outbox-relay' AND owner = 'pgbench');

-- 7. order-service, ApproveOrder: inbox, order row lock with its lines (one statement), prices and CONFIRMED (one
--    statement), OrderConfirmed, OrderApproved queued and stored (one statement)
SET search_path = orders;
BEGIN;
INSERT INTO messaging_inbox (message_id, message_type, topic) VALUES (md5('m6' || :r)::uuid, 'ApproveOrder', 'order.commands') ON CONFLICT (message_id) DO NOTHING;
SELECT o.id, o.client_id, o.customer_id, o.status, o.reason, o.total_cents, o.version, o.created_at, o.updated_at, l.line_no, l.sku, l.quantity, l.unit_price_cents
    FROM orders o LEFT JOIN order_line l ON l.order_id = o.id WHERE o.id = md5('order' || :r)::uuid ORDER BY l.line_no FOR UPDATE OF o;
WITH priced AS (
    UPDATE order_line AS l SET unit_price_cents = p.unit_price_cents
      FROM unnest(CAST(ARRAY['LOADGEN-' || lpad(:sku::text, 4, '0')] AS text[]), CAST(ARRAY[1] AS int[]), CAST(ARRAY[100] AS bigint[])) AS p (sku, quantity, unit_price_cents)
     WHERE l.order_id = md5('order' || :r)::uuid AND l.sku = p.sku AND l.quantity = p.quantity AND l.unit_price_cents IS NULL
    RETURNING 1
)
UPDATE orders SET status = 'CONFIRMED', total_cents = 100, version = version + 1, updated_at = now()
    WHERE id = md5('order' || :r)::uuid AND status = 'PENDING' AND version = 0
    RETURNING updated_at, (SELECT count(*) FROM priced) AS priced;
INSERT INTO messaging_outbox (id, topic, aggregate_type, aggregate_id, type, payload, headers)
    VALUES (md5('m7' || :r)::uuid, 'order.events.v1', 'order', md5('order' || :r), 'OrderConfirmed',
            CAST('{"orderId":"4b7ce673-0d91-4b10-ada5-dc1bd622a0cb","customerId":"loadgen-0001","totalCents":100,"confirmedAt":"2026-11-22T02:49:10.868714Z"}' AS jsonb),
            CAST('{"message-id":"c0fb6996-5451-38ff-baaf-ece50fbdb758","message-type":"OrderConfirmed","traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}' AS jsonb))
    ON CONFLICT (id) DO NOTHING;
WITH queued AS (
    INSERT INTO messaging_outbox (id, topic, aggregate_type, aggregate_id, type, payload, headers)
        VALUES (md5('m8' || :r)::uuid, 'order.replies', 'saga', md5('saga' || :r), 'OrderApproved',
                CAST('{"sagaId":"f2613414-6e67-35a5-9cd3-c3d80e0fe605","orderId":"4b7ce673-0d91-4b10-ada5-dc1bd622a0cb"}' AS jsonb),
                CAST('{"message-id":"d0fb6996-5451-38ff-baaf-ece50fbdb758","message-type":"OrderApproved","saga-id":"f2613414-6e67-35a5-9cd3-c3d80e0fe605","correlation-id":"bf58a9f3-95ec-377f-a160-95a875598a0a","traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}' AS jsonb))
        ON CONFLICT (id) DO NOTHING)
UPDATE messaging_inbox SET replies = CAST('[{"id":"d0fb6996-5451-38ff-baaf-ece50fbdb758","topic":"order.replies","aggregateType":"saga","aggregateId":"f2613414-6e67-35a5-9cd3-c3d80e0fe605","type":"OrderApproved","payload":"{\"sagaId\":\"f2613414-6e67-35a5-9cd3-c3d80e0fe605\"}","headers":{"message-id":"d0fb6996-5451-38ff-baaf-ece50fbdb758","message-type":"OrderApproved"}}]' AS jsonb)
    WHERE message_id = md5('m6' || :r)::uuid;
COMMIT;
-- the long poll's watcher reads the order when the status notification arrives (the orders of a batch's
-- notifications with one statement)
SELECT o.id, o.client_id, o.customer_id, o.status, o.reason, o.total_cents, o.version, o.created_at, o.updated_at, l.line_no, l.sku, l.quantity, l.unit_price_cents
    FROM orders o LEFT JOIN order_line l ON l.order_id = o.id WHERE o.id = ANY(ARRAY[md5('order' || :r)::uuid]) ORDER BY o.id, l.line_no;
DELETE FROM messaging_outbox WHERE id = ANY(ARRAY[md5('m7' || :r)::uuid, md5('m8' || :r)::uuid])
    AND EXISTS (SELECT 1 FROM messaging_relay_lease WHERE name = 'outbox-relay' AND owner = 'pgbench');

-- 8. orchestrator, OrderConfirmed (public event it does not handle): nothing reaches the database (the batch
--    transaction of an ignored record sends no statement, and the driver sends no BEGIN/COMMIT for it)

-- 9. orchestrator, OrderApproved: inbox, saga row lock, COMPLETED with its history (one statement)
SET search_path = orchestrator;
BEGIN;
INSERT INTO messaging_inbox (message_id, message_type, topic) VALUES (md5('m8' || :r)::uuid, 'OrderApproved', 'order.replies') ON CONFLICT (message_id) DO NOTHING;
SELECT id, type, business_key, status, current_step, version, data::text AS data, awaiting_message_id, attempt, failure_reason, deadline_at, created_at, updated_at
    FROM saga WHERE id = ANY(ARRAY[md5('saga' || :r)::uuid]) ORDER BY id FOR UPDATE;
WITH moved AS (
    UPDATE saga SET status = 'COMPLETED', current_step = NULL, version = 4,
            data = CAST('{"sagaId":"f2613414-6e67-35a5-9cd3-c3d80e0fe605","orderId":"4b7ce673-0d91-4b10-ada5-dc1bd622a0cb","customerId":"loadgen-0001","lines":[{"sku":"LOADGEN-0001","quantity":1}],"pricedLines":[{"sku":"LOADGEN-0001","quantity":1,"unitPriceCents":100}],"totalCents":100}' AS jsonb),
            awaiting_message_id = NULL, attempt = 1, failure_reason = NULL, deadline_at = NULL
        WHERE id = md5('saga' || :r)::uuid AND version = 3
    RETURNING id, version, status, current_step)
INSERT INTO saga_history (saga_id, kind, version, from_status, to_status, from_step, to_step, message_id, message_type, commands, reason)
    SELECT id, 'TRANSITION', version, 'RUNNING', status, 'APPROVE_ORDER', current_step, md5('m8' || :r)::uuid, 'OrderApproved',
           CAST('[]' AS jsonb), NULL FROM moved;
COMMIT;
