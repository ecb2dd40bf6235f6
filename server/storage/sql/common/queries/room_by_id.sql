SELECT id, kind, name, course_id, last_seq FROM rooms WHERE id = :id
