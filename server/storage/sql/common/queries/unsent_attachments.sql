-- Files uploaded to a room before :before that no message there has carried (the partial index
-- attachments_unsent serves it: the condition on sent_at must stay as the index states it).
SELECT room_id, id FROM attachments WHERE sent_at = 0 AND created_at < :before
