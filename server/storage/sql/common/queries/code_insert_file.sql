INSERT INTO code_files (session_id, path, language, snapshot, created_by, created_at)
VALUES (:session_id, :path, :language, :snapshot, :created_by, :created_at)
RETURNING id
