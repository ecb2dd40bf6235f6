SELECT last_read_seq FROM room_members WHERE room_id = :room_id AND user_id = :user_id
