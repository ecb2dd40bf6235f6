SELECT id, kind, name, course_id, last_seq, topic, visibility, member_limit, archived FROM rooms WHERE id = :id
