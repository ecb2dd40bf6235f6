-- Every session the owner keeps, locked and archived ones too (the stored-sessions limit).
SELECT COUNT(*) AS sessions FROM code_sessions WHERE owner_id = :owner_id AND deleted_at = 0
