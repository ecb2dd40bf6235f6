-- :any_file = 1 for every file of the session, else file :file_id only.
SELECT c.id, c.session_id, c.file_id, c.parent_id, c.anchor_start, c.anchor_end, c.text, c.resolved, c.created_at,
       u.id AS author_id, u.username, u.display_name, u.role
FROM code_comments c LEFT JOIN users u ON u.id = c.author_id
WHERE c.session_id = :session_id AND (:any_file = 1 OR c.file_id = :file_id)
ORDER BY c.id
