-- Placement admission (sagaworks.orders.admission) counts the orders placed within its window that are still
-- PENDING, several times a second under load. Only pending orders are in this index, so the count reads a
-- short range of it however many orders the table holds; an order leaves it when its saga ends.
CREATE INDEX orders_pending_by_age ON orders (created_at) WHERE status = 'PENDING';
