SELECT id FROM code_files WHERE session_id = :session_id AND path = :path AND deleted = 0
