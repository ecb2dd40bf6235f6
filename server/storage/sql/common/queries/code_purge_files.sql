DELETE FROM code_files WHERE session_id = :session_id
