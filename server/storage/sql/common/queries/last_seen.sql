SELECT last_seen FROM users WHERE id = :id
