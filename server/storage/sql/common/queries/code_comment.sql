SELECT c.id, c.session_id, c.file_id, c.parent_id, c.anchor_start, c.anchor_end, c.text, c.resolved, c.created_at,
       u.id AS author_id, u.username, u.display_name, u.role
FROM code_comments c LEFT JOIN users u ON u.id = c.author_id
WHERE c.id = :comment_id
