-- Code sessions (issue 4): sessions, their participants and agent ids, files with their
-- snapshot and update log, comments and named versions. Each session has a room of kind
-- 'code' whose event log carries the session's logged events (files, comments, ...); the
-- document updates themselves are too many for it and live in code_file_updates.

CREATE TABLE code_sessions (
    id INTEGER PRIMARY KEY,
    room_id INTEGER NOT NULL UNIQUE REFERENCES rooms (id),
    title TEXT NOT NULL,
    owner_id INTEGER NOT NULL REFERENCES users (id),
    course_id INTEGER REFERENCES courses (id) ON DELETE CASCADE,
    scope TEXT NOT NULL CHECK (scope IN ('course', 'private')),
    -- Upper case; '' for none.
    access_code TEXT NOT NULL DEFAULT '',
    max_collaborators INTEGER NOT NULL,
    locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
    approval INTEGER NOT NULL DEFAULT 0 CHECK (approval IN (0, 1)),
    lecture INTEGER NOT NULL DEFAULT 0 CHECK (lecture IN (0, 1)),
    client_id TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
) STRICT;

-- A retried code.create (same owner, same client id) finds the session made the first time.
CREATE UNIQUE INDEX code_sessions_owner_client ON code_sessions (owner_id, client_id) WHERE client_id <> '';
CREATE INDEX code_sessions_course ON code_sessions (course_id);

-- 'pending': asked to join a session with host approval and not yet approved.
CREATE TABLE code_participants (
    session_id INTEGER NOT NULL REFERENCES code_sessions (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('host', 'editor', 'viewer', 'pending')),
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX code_participants_user ON code_participants (user_id);

-- The engine's agent (replica) ids and who may insert characters under each.
CREATE TABLE code_agents (
    session_id INTEGER NOT NULL REFERENCES code_sessions (id) ON DELETE CASCADE,
    agent INTEGER NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, agent)
) STRICT, WITHOUT ROWID;

-- A file's document is `snapshot` (an engine state covering updates 1..snapshot_n) plus the
-- rows of code_file_updates after it; compaction folds the log into a new snapshot.
CREATE TABLE code_files (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES code_sessions (id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    language TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    last_n INTEGER NOT NULL DEFAULT 0,
    snapshot BLOB NOT NULL,
    snapshot_n INTEGER NOT NULL DEFAULT 0,
    -- Bytes of the log rows after the snapshot.
    log_bytes INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL
) STRICT;

-- Two live files of a session never share a path; deleted ones keep theirs.
CREATE UNIQUE INDEX code_files_path ON code_files (session_id, path) WHERE deleted = 0;

CREATE TABLE code_file_updates (
    file_id INTEGER NOT NULL REFERENCES code_files (id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    user_id INTEGER REFERENCES users (id),
    bytes BLOB NOT NULL,
    PRIMARY KEY (file_id, n)
) STRICT, WITHOUT ROWID;

-- parent_id 0: a thread; else a reply in that thread (with empty anchors).
CREATE TABLE code_comments (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES code_sessions (id) ON DELETE CASCADE,
    file_id INTEGER NOT NULL REFERENCES code_files (id) ON DELETE CASCADE,
    parent_id INTEGER NOT NULL DEFAULT 0,
    author_id INTEGER REFERENCES users (id),
    anchor_start BLOB NOT NULL,
    anchor_end BLOB NOT NULL,
    text TEXT NOT NULL,
    resolved INTEGER NOT NULL DEFAULT 0 CHECK (resolved IN (0, 1)),
    created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX code_comments_session ON code_comments (session_id, file_id);

CREATE TABLE code_versions (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES code_sessions (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX code_versions_session ON code_versions (session_id);

CREATE TABLE code_version_files (
    version_id INTEGER NOT NULL REFERENCES code_versions (id) ON DELETE CASCADE,
    file_id INTEGER NOT NULL REFERENCES code_files (id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    language TEXT NOT NULL,
    state BLOB NOT NULL,
    PRIMARY KEY (version_id, file_id)
) STRICT, WITHOUT ROWID;
