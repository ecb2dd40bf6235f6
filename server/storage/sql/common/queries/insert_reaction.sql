INSERT INTO reactions (room_id, seq, emoji, user_id, created_at)
VALUES (:room_id, :seq, :emoji, :user_id, :created_at)
ON CONFLICT DO NOTHING
