SELECT COUNT(*) AS sessions FROM code_sessions WHERE owner_id = :owner_id AND locked = 0
