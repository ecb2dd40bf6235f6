SELECT role FROM code_participants WHERE session_id = :session_id AND user_id = :user_id
