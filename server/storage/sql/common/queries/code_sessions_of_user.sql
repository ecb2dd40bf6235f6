-- The sessions the user takes part in (pending included) and the course sessions of the
-- user's courses; :any_course = 1 for every course, else course :course_id only. Archived
-- sessions only with :with_archived = 1, and then only those the user owns.
SELECT s.id, s.room_id, s.title, s.owner_id, s.course_id, s.scope, s.access_code, s.max_collaborators,
       s.locked, s.approval, s.lecture, s.created_at, s.archived_at,
       (SELECT COUNT(*) FROM code_participants p WHERE p.session_id = s.id AND p.role <> 'pending') AS participant_count
FROM code_sessions s
WHERE (:any_course = 1 OR s.course_id = :course_id)
  AND s.deleted_at = 0
  AND (s.archived_at = 0 OR (:with_archived = 1 AND s.owner_id = :owner_id))
  AND (EXISTS (SELECT 1 FROM code_participants p WHERE p.session_id = s.id AND p.user_id = :user_id)
       OR (s.scope = 'course'
           AND EXISTS (SELECT 1 FROM course_members m WHERE m.course_id = s.course_id AND m.user_id = :member_id)))
ORDER BY s.id DESC
