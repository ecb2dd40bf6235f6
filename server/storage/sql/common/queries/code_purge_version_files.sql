DELETE FROM code_version_files WHERE version_id IN (SELECT id FROM code_versions WHERE session_id = :session_id)
