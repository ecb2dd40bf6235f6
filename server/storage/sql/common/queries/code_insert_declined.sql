INSERT INTO code_declined (session_id, user_id, declined_at)
VALUES (:session_id, :user_id, :declined_at)
ON CONFLICT (session_id, user_id) DO UPDATE SET declined_at = excluded.declined_at
