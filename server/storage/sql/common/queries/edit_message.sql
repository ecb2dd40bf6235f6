UPDATE messages SET text = :text, edited_at = :edited_at, mentions = :mentions, mentions_room = :mentions_room
WHERE room_id = :room_id AND seq = :seq
