SELECT file_id, path, language, state FROM code_version_files WHERE version_id = :version_id ORDER BY path
