INSERT INTO course_members (course_id, user_id, role)
VALUES (:course_id, :user_id, :role)
ON CONFLICT (course_id, user_id) DO UPDATE SET role = excluded.role
