SELECT COUNT(*) AS count FROM users WHERE role = :role
