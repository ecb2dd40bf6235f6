INSERT INTO code_removed (session_id, user_id, removed_by, removed_at)
VALUES (:session_id, :user_id, :removed_by, :removed_at)
ON CONFLICT (session_id, user_id) DO UPDATE SET removed_by = excluded.removed_by, removed_at = excluded.removed_at
