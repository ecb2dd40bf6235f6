-- Full-text search over the messages of the user's rooms, newest first. :match is an FTS5
-- query the server builds from the user's words (quoted phrases, a prefix on the last one).
-- Newest first by the FTS rowid (= messages.id, assigned in commit order): FTS5 walks its
-- index backwards and the LIMIT stops it, where ordering by created_at would read and sort
-- every match of a common word first.
SELECT m.room_id, m.seq, m.created_at, m.thread_root, m.text, m.sender_id, u.username, u.display_name, u.role
FROM messages_fts f
JOIN messages m ON m.id = f.rowid
JOIN room_members me ON me.room_id = m.room_id AND me.user_id = :user_id
LEFT JOIN users u ON u.id = m.sender_id
WHERE messages_fts MATCH :match
  AND m.kind = 'message' AND m.deleted = 0
  AND (:any_room = 1 OR m.room_id = :room_id)
  AND (:any_sender = 1 OR m.sender_id = :sender_id)
  AND m.created_at >= :after AND m.created_at < :before
  AND (:has_file = 0 OR m.attachments <> '')
ORDER BY f.rowid DESC
LIMIT :limit
