-- The same file uploaded to the same room again keeps its first row (name, uploader), but is
-- uploaded anew: an unsent file is kept for a while from its latest upload.
INSERT INTO attachments (room_id, id, name, size, mime, uploader_id, created_at)
VALUES (:room_id, :id, :name, :size, :mime, :uploader_id, :created_at)
ON CONFLICT (room_id, id) DO UPDATE SET created_at = excluded.created_at
