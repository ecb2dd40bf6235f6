-- Archived and deleted code sessions (code.archive, code.unarchive, code.delete) and the time a
-- host declined a join request, which a restart of the server must not forget.
-- archived_at: 0 while the session is live; an archived session is read-only, counts for
-- nobody's quota and is listed only to its owner when asked for.
ALTER TABLE code_sessions ADD COLUMN archived_at INTEGER NOT NULL DEFAULT 0;
-- deleted_at: 0 unless code.delete removed the session's content for good; the row stays as a
-- tombstone (id, room, owner) so that a retried code.delete gets its first answer.
ALTER TABLE code_sessions ADD COLUMN deleted_at INTEGER NOT NULL DEFAULT 0;

-- The user waits code/join_retry_seconds after declined_at before asking the session again.
CREATE TABLE code_declined (
    session_id INTEGER NOT NULL REFERENCES code_sessions (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    declined_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, user_id)
) STRICT, WITHOUT ROWID;
