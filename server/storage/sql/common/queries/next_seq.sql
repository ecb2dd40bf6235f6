-- Taking the room's row lock here serialises concurrent appends to one room.
UPDATE rooms SET last_seq = last_seq + 1 WHERE id = :room_id RETURNING last_seq
