SELECT id, session_id, path, language, deleted, last_n, snapshot_n, log_bytes
FROM code_files
WHERE id = :file_id
