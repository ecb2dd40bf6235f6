SELECT r.id, r.kind, r.name, r.course_id, r.last_seq, r.topic, r.visibility, r.member_limit, r.archived
FROM rooms r JOIN room_members m ON m.room_id = r.id
WHERE m.user_id = :user_id
ORDER BY r.id
