-- A room and the user's role in it (NULL when not a member): every chat op asks both, and one
-- statement costs half of two.
SELECT r.id, r.kind, r.name, r.course_id, r.last_seq, r.topic, r.visibility, r.member_limit, r.archived,
       m.role AS member_role
FROM rooms r
LEFT JOIN room_members m ON m.room_id = r.id AND m.user_id = :user_id
WHERE r.id = :id
