-- Code sessions (issue 4): sessions, their participants and agent ids, files with their
-- snapshot and update log, comments and named versions. Each session has a room of kind
-- 'code' whose event log carries the session's logged events (files, comments, ...); the
-- document updates themselves are too many for it and live in code_file_updates.

CREATE TABLE code_sessions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room_id INTEGER NOT NULL UNIQUE REFERENCES rooms (id),
    title TEXT NOT NULL,
    owner_id BIGINT NOT NULL REFERENCES users (id),
    course_id BIGINT REFERENCES courses (id) ON DELETE CASCADE,
    scope TEXT NOT NULL CHECK (scope IN ('course', 'private')),
    -- Upper case; '' for none.
    access_code TEXT NOT NULL DEFAULT '',
    max_collaborators BIGINT NOT NULL,
    locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
    approval INTEGER NOT NULL DEFAULT 0 CHECK (approval IN (0, 1)),
    lecture INTEGER NOT NULL DEFAULT 0 CHECK (lecture IN (0, 1)),
    client_id TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

-- A retried code.create (same owner, same client id) finds the session made the first time.
CREATE UNIQUE INDEX code_sessions_owner_client ON code_sessions (owner_id, client_id) WHERE client_id <> '';
CREATE INDEX code_sessions_course ON code_sessions (course_id);

-- 'pending': asked to join a session with host approval and not yet approved.
CREATE TABLE code_participants (
    session_id BIGINT NOT NULL REFERENCES code_sessions (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('host', 'editor', 'viewer', 'pending')),
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (session_id, user_id)
);

CREATE INDEX code_participants_user ON code_participants (user_id);

-- The engine's agent (replica) ids and who may insert characters under each.
CREATE TABLE code_agents (
    session_id BIGINT NOT NULL REFERENCES code_sessions (id) ON DELETE CASCADE,
    agent BIGINT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (session_id, agent)
);

-- A file's document is `snapshot` (an engine state covering updates 1..snapshot_n) plus the
-- rows of code_file_updates after it; compaction folds the log into a new snapshot.
CREATE TABLE code_files (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id BIGINT NOT NULL REFERENCES code_sessions (id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    language TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    last_n BIGINT NOT NULL DEFAULT 0,
    snapshot BYTEA NOT NULL,
    snapshot_n BIGINT NOT NULL DEFAULT 0,
    -- Bytes of the log rows after the snapshot.
    log_bytes BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL
);

-- Two live files of a session never share a path; deleted ones keep theirs.
CREATE UNIQUE INDEX code_files_path ON code_files (session_id, path) WHERE deleted = 0;

CREATE TABLE code_file_updates (
    file_id BIGINT NOT NULL REFERENCES code_files (id) ON DELETE CASCADE,
    n BIGINT NOT NULL,
    user_id BIGINT REFERENCES users (id),
    bytes BYTEA NOT NULL,
    PRIMARY KEY (file_id, n)
);

-- parent_id 0: a thread; else a reply in that thread (with empty anchors).
CREATE TABLE code_comments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id BIGINT NOT NULL REFERENCES code_sessions (id) ON DELETE CASCADE,
    file_id BIGINT NOT NULL REFERENCES code_files (id) ON DELETE CASCADE,
    parent_id BIGINT NOT NULL DEFAULT 0,
    author_id BIGINT REFERENCES users (id),
    anchor_start BYTEA NOT NULL,
    anchor_end BYTEA NOT NULL,
    text TEXT NOT NULL,
    resolved INTEGER NOT NULL DEFAULT 0 CHECK (resolved IN (0, 1)),
    created_at BIGINT NOT NULL
);

CREATE INDEX code_comments_session ON code_comments (session_id, file_id);

CREATE TABLE code_versions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id BIGINT NOT NULL REFERENCES code_sessions (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL
);

CREATE INDEX code_versions_session ON code_versions (session_id);

CREATE TABLE code_version_files (
    version_id BIGINT NOT NULL REFERENCES code_versions (id) ON DELETE CASCADE,
    file_id BIGINT NOT NULL REFERENCES code_files (id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    language TEXT NOT NULL,
    state BYTEA NOT NULL,
    PRIMARY KEY (version_id, file_id)
);
