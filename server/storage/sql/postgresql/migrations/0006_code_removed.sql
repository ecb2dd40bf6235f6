-- Participants a host removed from a code session (code.remove). They come back only through
-- a host: their next code.join waits for approval, whatever the session's settings.
CREATE TABLE code_removed (
    session_id BIGINT NOT NULL REFERENCES code_sessions (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    removed_by BIGINT REFERENCES users (id),
    removed_at BIGINT NOT NULL,
    PRIMARY KEY (session_id, user_id)
);
