DELETE FROM code_removed WHERE session_id = :session_id AND user_id = :user_id
