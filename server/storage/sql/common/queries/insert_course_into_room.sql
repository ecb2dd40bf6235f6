-- Every course member joins a new announcement room: staff as admins, the creator as owner.
INSERT INTO room_members (room_id, user_id, role)
SELECT :room_id, m.user_id,
       CASE WHEN m.user_id = :creator THEN 'owner' WHEN m.role = 'instructor' THEN 'admin' ELSE 'member' END
FROM course_members m
WHERE m.course_id = :course_id
ON CONFLICT (room_id, user_id) DO NOTHING
