-- Full-text search over the messages of the user's rooms, newest first. :match is a tsquery
-- the server builds from the user's words (ANDed, a prefix on the last one); the GIN index on
-- messages.search answers it.
-- Newest first by id, assigned in commit order like the SQLite backend's rowid.
SELECT m.room_id, m.seq, m.created_at, m.thread_root, m.text, m.sender_id, u.username, u.display_name, u.role
FROM messages m
JOIN room_members me ON me.room_id = m.room_id AND me.user_id = :user_id
LEFT JOIN users u ON u.id = m.sender_id
WHERE m.search @@ to_tsquery('simple', :match)
  AND m.kind = 'message' AND m.deleted = 0
  AND (:any_room = 1 OR m.room_id = :room_id)
  AND (:any_sender = 1 OR m.sender_id = :sender_id)
  AND m.created_at >= :after AND m.created_at < :before
  AND (:has_file = 0 OR m.attachments <> '')
ORDER BY m.id DESC
LIMIT :limit
