SELECT n, bytes FROM code_file_updates WHERE file_id = :file_id AND n > :after_n ORDER BY n
