DELETE FROM reactions WHERE room_id = :room_id AND seq = :seq
