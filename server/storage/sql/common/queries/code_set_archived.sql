-- :archived_at 0 unarchives. A deleted session stays as it is.
UPDATE code_sessions SET archived_at = :archived_at WHERE id = :session_id AND deleted_at = 0
