-- client_id <> '' repeats the partial index's condition so that it can be used.
SELECT id, name, join_code, owner_id, room_id, client_id
FROM courses WHERE owner_id = :owner_id AND client_id = :client_id AND client_id <> ''
