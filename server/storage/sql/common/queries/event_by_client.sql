SELECT room_id, seq, kind, sender_id, client_id, payload, created_at
FROM room_events
WHERE room_id = :room_id AND sender_id = :sender_id AND client_id = :client_id
