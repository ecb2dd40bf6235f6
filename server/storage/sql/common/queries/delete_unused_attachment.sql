-- A file leaves its room when the last message there that carries it is deleted: otherwise
-- members could still fetch a file a moderator removed, or post it again by its id. An upload
-- no message has carried yet is not touched (only ids of a deleted message come here).
DELETE FROM attachments
WHERE room_id = :room_id AND id = :id
  AND NOT EXISTS (SELECT 1 FROM messages
                  WHERE room_id = :in_room AND deleted = 0 AND attachments LIKE :pattern)
