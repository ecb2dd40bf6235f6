-- Copies what it can without waiting for anyone; writers go on appending meanwhile.
-- One row: busy, frames in the WAL, frames copied to the database file.
PRAGMA wal_checkpoint(PASSIVE)
