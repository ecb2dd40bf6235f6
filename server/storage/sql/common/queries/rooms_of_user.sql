SELECT r.id, r.kind, r.name, r.course_id, r.last_seq
FROM rooms r JOIN course_members m ON m.course_id = r.course_id
WHERE m.user_id = :user_id
ORDER BY r.id
