SELECT id, name, join_code, room_id
FROM courses
ORDER BY id
