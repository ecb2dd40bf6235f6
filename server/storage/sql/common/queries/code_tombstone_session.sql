-- Only an archived session is deleted; its row stays with the ids a retry needs.
UPDATE code_sessions SET deleted_at = :deleted_at, title = '', access_code = '', client_id = ''
WHERE id = :session_id AND archived_at <> 0 AND deleted_at = 0
