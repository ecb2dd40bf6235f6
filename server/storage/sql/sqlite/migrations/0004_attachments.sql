-- Attachments: the files live under <data_dir>/attachments, named by the SHA-256 of their bytes
-- (content addressed, outside the database). A row per room a file was uploaded to: only that
-- room's members may fetch it, and a message may only carry files of its own room.
CREATE TABLE attachments (
    room_id INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    mime TEXT NOT NULL,
    uploader_id INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (room_id, id)
) STRICT, WITHOUT ROWID;

-- A message's attachments as the JSON array the protocol sends; '' for none (has:file).
ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '';
