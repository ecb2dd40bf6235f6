UPDATE rooms SET course_id = :course_id WHERE id = :room_id
