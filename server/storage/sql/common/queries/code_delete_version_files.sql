DELETE FROM code_version_files WHERE version_id = :version_id
