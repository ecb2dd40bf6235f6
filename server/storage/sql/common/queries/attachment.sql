SELECT id, name, size, mime FROM attachments WHERE room_id = :room_id AND id = :id
