SELECT room_id, seq, kind, sender_id, client_id, payload, created_at
FROM room_events
WHERE room_id = :room_id AND seq > :after_seq
ORDER BY seq
LIMIT :limit
