SELECT id, session_id, path, language, deleted, last_n, snapshot_n, log_bytes
FROM code_files
WHERE session_id = :session_id AND deleted = 0
ORDER BY path
