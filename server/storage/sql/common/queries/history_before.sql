-- A page of a room's timeline (:thread_root 0, :thread_seq -1) or of one thread (both the
-- root's seq: the root and its replies), between the exclusive bounds, newest first.
SELECT m.seq, m.kind, m.sender_id, m.client_id, m.text, m.thread_root, m.reply_count, m.last_reply_at,
       m.created_at, m.edited_at, m.deleted, m.mentions, m.mentions_room, m.system, m.attachments,
       u.username, u.display_name, u.role
FROM messages m LEFT JOIN users u ON u.id = m.sender_id
WHERE m.room_id = :room_id AND m.seq > :after AND m.seq < :before
  AND (m.thread_root = :thread_root OR m.seq = :thread_seq)
ORDER BY m.seq DESC
LIMIT :limit
