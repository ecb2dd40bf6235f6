SELECT last_seq FROM rooms WHERE id = :room_id
