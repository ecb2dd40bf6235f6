-- Files uploaded to a room before :before that no message there carries: uploads never sent.
-- A deleted message carries nothing (its files left the room with it). Ids are SHA-256 hex, so
-- the pattern has no LIKE wildcards of its own.
SELECT a.room_id, a.id FROM attachments a
WHERE a.created_at < :before
  AND NOT EXISTS (SELECT 1 FROM messages m
                  WHERE m.room_id = a.room_id AND m.deleted = 0
                    AND m.attachments LIKE '%"' || a.id || '"%')
