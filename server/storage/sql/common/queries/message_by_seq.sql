SELECT m.seq, m.kind, m.sender_id, m.client_id, m.text, m.thread_root, m.reply_count, m.last_reply_at,
       m.created_at, m.edited_at, m.deleted, m.mentions, m.mentions_room, m.system, m.attachments,
       u.username, u.display_name, u.role
FROM messages m LEFT JOIN users u ON u.id = m.sender_id
WHERE m.room_id = :room_id AND m.seq = :seq
