-- Soft delete: the row keeps seq, time and sender; the text leaves the search index with it,
-- the attachments leave the message (the files stay for other messages that carry them).
UPDATE messages SET deleted = 1, text = '', mentions = '', mentions_room = 0, attachments = ''
WHERE room_id = :room_id AND seq = :seq
