SELECT user_id, last_read_seq FROM room_members WHERE room_id = :room_id AND last_read_seq > 0 ORDER BY user_id
