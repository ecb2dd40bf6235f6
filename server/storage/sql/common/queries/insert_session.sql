INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
VALUES (:token_hash, :user_id, :created_at, :expires_at)
