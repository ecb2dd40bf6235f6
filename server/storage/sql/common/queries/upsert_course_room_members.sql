-- A course member belongs to the course's course and announcement rooms: the course owner as
-- owner, instructors as admins, students as members. A room's owner keeps that role.
INSERT INTO room_members (room_id, user_id, role)
SELECT r.id, :user_id,
       CASE WHEN c.owner_id = :owner_check THEN 'owner' WHEN :course_role = 'instructor' THEN 'admin' ELSE 'member' END
FROM rooms r JOIN courses c ON c.id = r.course_id
WHERE r.course_id = :course_id AND r.kind IN ('course', 'announcement')
ON CONFLICT (room_id, user_id) DO UPDATE SET role = excluded.role WHERE room_members.role <> 'owner'
