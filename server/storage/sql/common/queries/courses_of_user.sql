SELECT c.id, c.name, c.join_code, c.room_id, m.role AS member_role
FROM course_members m JOIN courses c ON c.id = m.course_id
WHERE m.user_id = :user_id
ORDER BY c.id
