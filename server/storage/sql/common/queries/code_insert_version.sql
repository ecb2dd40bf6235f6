INSERT INTO code_versions (session_id, name, created_by, created_at)
VALUES (:session_id, :name, :created_by, :created_at)
RETURNING id
