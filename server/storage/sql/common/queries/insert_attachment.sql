-- The same file uploaded to the same room again keeps its first row.
INSERT INTO attachments (room_id, id, name, size, mime, uploader_id, created_at)
VALUES (:room_id, :id, :name, :size, :mime, :uploader_id, :created_at)
ON CONFLICT DO NOTHING
