DELETE FROM code_file_updates WHERE file_id = :file_id AND n <= :upto_n
