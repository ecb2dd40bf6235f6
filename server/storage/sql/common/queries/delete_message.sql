-- Soft delete: the row keeps seq, time and sender; the text leaves the search index with it.
UPDATE messages SET deleted = 1, text = '', mentions = '', mentions_room = 0
WHERE room_id = :room_id AND seq = :seq
