-- A taken join code, or a course the owner already made with this client id, inserts
-- nothing and returns no row.
INSERT INTO courses (name, join_code, owner_id, room_id, client_id)
VALUES (:name, :join_code, :owner_id, :room_id, :client_id)
ON CONFLICT DO NOTHING
RETURNING id
