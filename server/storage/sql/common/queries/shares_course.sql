SELECT 1 FROM course_members a JOIN course_members b ON b.course_id = a.course_id
WHERE a.user_id = :user_a AND b.user_id = :user_b
LIMIT 1
