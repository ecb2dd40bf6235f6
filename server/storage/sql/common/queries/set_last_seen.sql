UPDATE users SET last_seen = :at WHERE id = :id
