UPDATE room_members SET last_read_seq = :seq
WHERE room_id = :room_id AND user_id = :user_id AND last_read_seq < :seq_again
