SELECT id, kind, name, course_id, last_seq
FROM rooms
ORDER BY id
