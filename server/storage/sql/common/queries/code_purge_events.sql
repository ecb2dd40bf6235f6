-- The session's logged events name its files, comments (with their text) and versions.
DELETE FROM room_events WHERE room_id = :room_id
