-- Serialises migrations of several server nodes; released when the transaction ends.
-- The key is arbitrary, the same for every Cohort server.
SELECT pg_advisory_xact_lock(7405202601)
