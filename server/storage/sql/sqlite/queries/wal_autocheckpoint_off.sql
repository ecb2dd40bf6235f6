-- Checkpoints fsync; they run on WalCheckpointer's thread instead of inside the commit that
-- crosses SQLite's 1,000-page mark on the server's event loop.
PRAGMA wal_autocheckpoint = 0
