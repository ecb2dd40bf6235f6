-- Chat: room kinds and settings, room membership with per-user state, the messages and
-- reactions materialised from the rooms' event logs, and full-text search over the messages.
-- room_events stays the log of record: resume replays it; these tables answer everything else.

-- Kinds: course, announcement, direct, group, study, live. topic, visibility and member_limit
-- are meaningful for study rooms only.
ALTER TABLE rooms ADD COLUMN topic TEXT NOT NULL DEFAULT '';
ALTER TABLE rooms ADD COLUMN visibility TEXT NOT NULL DEFAULT 'private' CHECK (visibility IN ('public', 'private'));
ALTER TABLE rooms ADD COLUMN member_limit INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rooms ADD COLUMN archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1));
ALTER TABLE rooms ADD COLUMN created_by INTEGER REFERENCES users (id);
ALTER TABLE rooms ADD COLUMN client_id TEXT NOT NULL DEFAULT '';
-- "<smaller user id>:<larger user id>" for a direct room: the unique index makes two
-- simultaneous room.direct requests for one pair end up in one room.
ALTER TABLE rooms ADD COLUMN direct_key TEXT;

CREATE UNIQUE INDEX rooms_direct_key ON rooms (direct_key) WHERE direct_key IS NOT NULL;
-- A retried room.create (same creator, same client id) finds the room made the first time.
CREATE UNIQUE INDEX rooms_creator_client ON rooms (created_by, client_id) WHERE client_id <> '';

CREATE TABLE room_members (
    room_id INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    muted INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1)),
    pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    -- The highest seq the user has read; only ever grows.
    last_read_seq INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (room_id, user_id)
) STRICT, WITHOUT ROWID;

-- room.list starts from the user's memberships.
CREATE INDEX room_members_user ON room_members (user_id);

-- Course rooms: every course member, the owner as owner, instructors as admins.
INSERT INTO room_members (room_id, user_id, role)
SELECT c.room_id, m.user_id,
       CASE WHEN m.user_id = c.owner_id THEN 'owner' WHEN m.role = 'instructor' THEN 'admin' ELSE 'member' END
FROM course_members m JOIN courses c ON c.id = m.course_id;

-- One row per message.created and per system event (member.joined, member.left, room.updated),
-- at the seq of that event; edits, deletions and replies update the row.
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    room_id INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    -- 'message' or the system event's name.
    kind TEXT NOT NULL,
    sender_id INTEGER REFERENCES users (id),
    client_id TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    -- The seq of the top-level message this one replies to; 0 for a top-level message.
    thread_root INTEGER NOT NULL DEFAULT 0,
    reply_count INTEGER NOT NULL DEFAULT 0,
    last_reply_at INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    edited_at INTEGER NOT NULL DEFAULT 0,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    -- Mentioned user ids as ",5,7," so that one LIKE finds a user; '' for none.
    mentions TEXT NOT NULL DEFAULT '',
    mentions_room INTEGER NOT NULL DEFAULT 0 CHECK (mentions_room IN (0, 1)),
    -- The system message's JSON ({"event":...}); '' for a user's message.
    system TEXT NOT NULL DEFAULT '',
    UNIQUE (room_id, seq)
) STRICT;

-- A thread's replies in order.
CREATE INDEX messages_thread ON messages (room_id, thread_root, seq) WHERE thread_root > 0;
-- from: filters of search.
CREATE INDEX messages_sender ON messages (sender_id, created_at);

INSERT INTO messages (room_id, seq, kind, sender_id, client_id, text, created_at)
SELECT room_id, seq, 'message', sender_id, client_id, COALESCE(json_extract(payload, '$.text'), ''), created_at
FROM room_events WHERE kind = 'message.created';

INSERT INTO messages (room_id, seq, kind, sender_id, created_at, system)
SELECT room_id, seq, kind, sender_id, created_at,
       json_object('event', kind, 'user', json(json_extract(payload, '$.user')))
FROM room_events WHERE kind = 'member.joined';

CREATE TABLE reactions (
    room_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    emoji TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (room_id, seq, emoji, user_id),
    FOREIGN KEY (room_id, seq) REFERENCES messages (room_id, seq) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Full-text search: an external-content FTS5 table over messages.text. The triggers keep it in
-- step inside the transaction that changes a message (a deleted message's text is '').
CREATE VIRTUAL TABLE messages_fts USING fts5(text, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text); END;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text); END;

CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text); INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text); END;

INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
