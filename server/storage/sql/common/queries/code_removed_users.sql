SELECT user_id FROM code_removed WHERE session_id = :session_id
