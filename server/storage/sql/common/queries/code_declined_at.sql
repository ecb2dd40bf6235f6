SELECT declined_at FROM code_declined WHERE session_id = :session_id AND user_id = :user_id
