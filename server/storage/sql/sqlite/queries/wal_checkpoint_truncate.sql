-- Copies everything and empties the WAL file; holds off writers while it runs.
-- One row: busy, frames in the WAL, frames copied to the database file.
PRAGMA wal_checkpoint(TRUNCATE)
