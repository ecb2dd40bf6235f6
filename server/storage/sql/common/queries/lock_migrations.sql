-- SQLite's BEGIN IMMEDIATE already holds the database's write lock: nothing to add.
SELECT 1
