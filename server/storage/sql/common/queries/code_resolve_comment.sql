UPDATE code_comments SET resolved = :resolved WHERE id = :comment_id
