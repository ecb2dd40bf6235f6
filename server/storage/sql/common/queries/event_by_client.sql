-- The repeated client_id <> '' lets SQLite and PostgreSQL's generic plans use the partial
-- index room_events_idempotency; without it they scan the room's whole log.
SELECT room_id, seq, kind, sender_id, client_id, payload, created_at
FROM room_events
WHERE room_id = :room_id AND sender_id = :sender_id AND client_id = :client_id AND client_id <> ''
