SELECT COUNT(*) FROM attachments WHERE id = :id
