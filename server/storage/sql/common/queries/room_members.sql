SELECT u.id, u.username, u.display_name, u.role, m.role AS room_role
FROM room_members m JOIN users u ON u.id = m.user_id
WHERE m.room_id = :room_id
ORDER BY u.id
