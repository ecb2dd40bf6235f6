-- A repeated (room, sender, client id) inserts nothing and returns no row.
INSERT INTO room_events (room_id, seq, kind, sender_id, client_id, payload, created_at)
VALUES (:room_id, :seq, :kind, :sender_id, :client_id, :payload, :created_at)
ON CONFLICT DO NOTHING
RETURNING seq
