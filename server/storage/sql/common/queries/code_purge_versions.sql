DELETE FROM code_versions WHERE session_id = :session_id
