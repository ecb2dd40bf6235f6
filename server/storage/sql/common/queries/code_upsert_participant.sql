INSERT INTO code_participants (session_id, user_id, role, joined_at)
VALUES (:session_id, :user_id, :role, :joined_at)
ON CONFLICT (session_id, user_id) DO UPDATE SET role = excluded.role
