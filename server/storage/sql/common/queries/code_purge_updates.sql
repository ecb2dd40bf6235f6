DELETE FROM code_file_updates WHERE file_id IN (SELECT id FROM code_files WHERE session_id = :session_id)
