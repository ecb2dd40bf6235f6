-- The server handles every statement's outcome itself: PostgreSQL's notices (e.g. an
-- existing table skipped by CREATE TABLE IF NOT EXISTS) would only clutter the log.
SET client_min_messages TO WARNING
