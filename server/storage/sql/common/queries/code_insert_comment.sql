INSERT INTO code_comments (session_id, file_id, parent_id, author_id, anchor_start, anchor_end, text, created_at)
VALUES (:session_id, :file_id, :parent_id, :author_id, :anchor_start, :anchor_end, :text, :created_at)
RETURNING id
