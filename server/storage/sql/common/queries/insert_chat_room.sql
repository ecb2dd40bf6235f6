-- A retried creation (same creator and client id) or a second direct room for the same pair
-- inserts nothing and returns no row. direct_key '' means none.
INSERT INTO rooms (kind, name, topic, course_id, visibility, member_limit, created_by, client_id, direct_key)
VALUES (:kind, :name, :topic, :course_id, :visibility, :member_limit, :created_by, :client_id, NULLIF(:direct_key, ''))
ON CONFLICT DO NOTHING
RETURNING id
