DELETE FROM code_comments WHERE session_id = :session_id
