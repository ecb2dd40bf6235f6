INSERT INTO code_version_files (version_id, file_id, path, language, state)
VALUES (:version_id, :file_id, :path, :language, :state)
