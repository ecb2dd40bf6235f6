SELECT id, username, display_name, role, password_hash, disabled, created_at
FROM users WHERE username = :username
