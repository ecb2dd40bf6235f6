SELECT 1 FROM reactions WHERE room_id = :room_id AND seq = :seq AND emoji = :emoji AND user_id = :user_id
