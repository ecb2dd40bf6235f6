SELECT id, name, join_code, owner_id, room_id, client_id
FROM courses WHERE owner_id = :owner_id AND client_id = :client_id
