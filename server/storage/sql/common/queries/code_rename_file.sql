UPDATE code_files SET path = :path, language = :language WHERE id = :file_id AND deleted = 0
