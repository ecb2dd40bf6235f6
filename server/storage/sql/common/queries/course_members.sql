SELECT u.id, u.username, u.display_name, u.role, m.role AS course_role
FROM course_members m JOIN users u ON u.id = m.user_id
WHERE m.course_id = :course_id
ORDER BY u.id
