DELETE FROM code_removed WHERE session_id = :session_id
