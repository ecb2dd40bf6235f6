-- Every archived session of the server, newest first (code.list with archived, for an admin).
SELECT s.id, s.room_id, s.title, s.owner_id, s.course_id, s.scope, s.access_code, s.max_collaborators,
       s.locked, s.approval, s.lecture, s.created_at, s.archived_at,
       (SELECT COUNT(*) FROM code_participants p WHERE p.session_id = s.id AND p.role <> 'pending') AS participant_count
FROM code_sessions s
WHERE s.archived_at <> 0 AND s.deleted_at = 0
ORDER BY s.id DESC
