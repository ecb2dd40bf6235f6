-- The attachments a message carries, as stored for the protocol ('' for none).
SELECT attachments FROM messages WHERE room_id = :room_id AND seq = :seq
