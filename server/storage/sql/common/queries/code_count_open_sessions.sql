-- The owner's quota: locked and archived sessions do not count.
SELECT COUNT(*) AS sessions FROM code_sessions
WHERE owner_id = :owner_id AND locked = 0 AND archived_at = 0 AND deleted_at = 0
