-- When a message first carried each file (ms since the epoch; 0: never sent). The hourly sweep
-- of files uploaded but never sent reads the unsent ones from a partial index instead of
-- searching the messages of each file's room for its id.
ALTER TABLE attachments ADD COLUMN sent_at INTEGER NOT NULL DEFAULT 0;
UPDATE attachments SET sent_at = COALESCE((SELECT MIN(m.created_at) FROM messages m
                                           WHERE m.room_id = attachments.room_id AND m.deleted = 0
                                             AND m.attachments LIKE '%"' || attachments.id || '"%'), 0);
CREATE INDEX attachments_unsent ON attachments (created_at) WHERE sent_at = 0;
