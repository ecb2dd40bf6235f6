DELETE FROM code_participants WHERE session_id = :session_id
