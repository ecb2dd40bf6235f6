SELECT role FROM course_members WHERE course_id = :course_id AND user_id = :user_id
