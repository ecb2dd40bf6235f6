SELECT COUNT(*) AS files FROM code_files WHERE session_id = :session_id AND deleted = 0
