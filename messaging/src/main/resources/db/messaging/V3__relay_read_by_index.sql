-- The relay's read and delete, always through the outbox's indexes.
--
-- Every outbox row is deleted moments after its insert, so between two autovacuum visits (a minute apart by
-- default) the heap fills with dead rows: about 1,100 pages for under a thousand live rows after 30 s at 200
-- sagas/s in the orders database. A vacuum then shrinks the table to a page or two and invalidates the cached
-- plans, so the connections plan the relay's statements again while the table is smallest: a sequential scan (and
-- a sort, for the read). Those plans are kept while the heap grows back, until the next vacuum, and every relay
-- round read the whole heap twice. The indexes reach the rows directly at any size (a scan marks the entries of
-- dead rows, and later scans skip them). PL/pgSQL keeps each query's plan per session; the SET clause makes it
-- with sequential scans off.

-- The oldest rows in publication order.
CREATE FUNCTION messaging_outbox_oldest(max_rows integer)
    RETURNS TABLE (id uuid, topic text, aggregate_type text, aggregate_id text, type text, payload text,
                   headers text, age_millis bigint)
    LANGUAGE plpgsql
    SET enable_seqscan = off
AS
$$
BEGIN
    RETURN QUERY
        SELECT o.id, o.topic, o.aggregate_type, o.aggregate_id, o.type, o.payload::text, o.headers::text,
               (extract(epoch FROM clock_timestamp() - o.created_at) * 1000)::bigint
          FROM messaging_outbox o
         ORDER BY o.seq
         LIMIT max_rows;
END
$$;

-- The relay's delete of the rows it published, fenced by its lease (RelayLease), likewise through the primary key:
-- a plan kept from a small table scanned the whole heap for the few ids of every round. The rows deleted come back,
-- 0 when the lease was lost (or every row was gone already).
CREATE FUNCTION messaging_outbox_delete_published(ids uuid[], lease_name text, lease_owner text)
    RETURNS integer
    LANGUAGE plpgsql
    SET enable_seqscan = off
AS
$$
DECLARE
    deleted integer;
BEGIN
    DELETE FROM messaging_outbox o
     WHERE o.id = ANY(ids)
       AND EXISTS (SELECT 1 FROM messaging_relay_lease l WHERE l.name = lease_name AND l.owner = lease_owner);
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END
$$;
