-- Take the write lock at once: a deferred transaction that reads first could fail with
-- SQLITE_BUSY when it upgrades to write, and busy_timeout does not wait for that case.
BEGIN IMMEDIATE
