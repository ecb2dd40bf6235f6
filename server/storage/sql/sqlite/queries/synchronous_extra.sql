PRAGMA synchronous = EXTRA
