INSERT INTO rooms (kind, name) VALUES (:kind, :name) RETURNING id
