UPDATE room_members SET role = :role WHERE room_id = :room_id AND user_id = :user_id
