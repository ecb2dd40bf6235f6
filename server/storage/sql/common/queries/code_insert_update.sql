INSERT INTO code_file_updates (file_id, n, user_id, bytes) VALUES (:file_id, :n, :user_id, :bytes)
