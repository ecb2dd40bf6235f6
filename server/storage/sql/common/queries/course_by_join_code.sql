SELECT id, name, join_code, owner_id, room_id, client_id FROM courses WHERE join_code = :join_code
