INSERT INTO room_members (room_id, user_id, role) VALUES (:room_id, :user_id, :role)
ON CONFLICT (room_id, user_id) DO NOTHING
