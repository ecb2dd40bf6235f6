UPDATE rooms SET name = '' WHERE id = :room_id
