-- A taken username inserts nothing and returns no row.
INSERT INTO users (username, display_name, role, password_hash, disabled, created_at)
VALUES (:username, :display_name, :role, :password_hash, 0, :created_at)
ON CONFLICT (username) DO NOTHING
RETURNING id
