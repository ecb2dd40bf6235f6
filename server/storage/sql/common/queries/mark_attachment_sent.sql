-- A message now carries the file: the unsent-file sweep leaves it alone from now on.
UPDATE attachments SET sent_at = :sent_at WHERE room_id = :room_id AND id = :id AND sent_at = 0
