UPDATE messages SET reply_count = reply_count + 1, last_reply_at = :created_at
WHERE room_id = :room_id AND seq = :seq
