UPDATE code_files SET deleted = 1 WHERE id = :file_id AND deleted = 0
