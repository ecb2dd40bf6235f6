-- The sweep's delete: only while no message has carried the file.
DELETE FROM attachments WHERE room_id = :room_id AND id = :id AND sent_at = 0
