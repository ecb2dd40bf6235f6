SELECT COUNT(*) AS updates FROM code_file_updates WHERE file_id = :file_id
