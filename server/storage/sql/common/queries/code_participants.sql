SELECT u.id, u.username, u.display_name, u.role, p.role AS code_role
FROM code_participants p JOIN users u ON u.id = p.user_id
WHERE p.session_id = :session_id
ORDER BY p.joined_at, u.id
