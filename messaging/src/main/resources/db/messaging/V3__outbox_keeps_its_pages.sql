-- The outbox keeps its pages when it is vacuumed.
--
-- Every outbox row is deleted moments after its insert, so between two autovacuum visits (a minute apart by
-- default) the heap fills with dead rows: about 1,100 pages for under a thousand live rows after 30 s at 200
-- sagas/s in the orders database. A vacuum that gave the emptied pages back shrank the table to a page or two and
-- invalidated the cached plans, so the connections planned the relay's read and delete again while the table was
-- smallest: sequential scans (and a sort, for the read). They kept those plans while the heap grew back, until the
-- next vacuum, and every relay round read the whole heap twice. Kept, the emptied pages take later rows (through
-- the free space map), and a table of many pages and few rows is planned through its indexes.
ALTER TABLE messaging_outbox SET (vacuum_truncate = false);
