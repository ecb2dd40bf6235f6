-- When each user was last online (ms since the epoch; 0: not since this was kept): presence
-- shows "offline, last seen …" also after the server restarted.
ALTER TABLE users ADD COLUMN last_seen BIGINT NOT NULL DEFAULT 0;
