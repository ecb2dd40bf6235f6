UPDATE room_members SET muted = :muted, pinned = :pinned WHERE room_id = :room_id AND user_id = :user_id
