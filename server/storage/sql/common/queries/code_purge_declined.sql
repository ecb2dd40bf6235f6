DELETE FROM code_declined WHERE session_id = :session_id
