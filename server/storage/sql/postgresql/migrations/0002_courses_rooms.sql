-- Courses, their members, rooms and the rooms' event logs.

CREATE TABLE rooms (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    -- Set for a course's room; its reference is added once courses exists.
    course_id BIGINT,
    -- The sequence number of the room's newest event: appending an event increments it.
    last_seq BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX rooms_course ON rooms (course_id);

CREATE TABLE courses (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    join_code TEXT NOT NULL UNIQUE,
    owner_id BIGINT NOT NULL REFERENCES users (id),
    room_id BIGINT NOT NULL UNIQUE REFERENCES rooms (id),
    client_id TEXT NOT NULL DEFAULT ''
);

ALTER TABLE rooms ADD CONSTRAINT rooms_course_id_fkey FOREIGN KEY (course_id) REFERENCES courses (id);

-- A retried course creation (same owner, same client id) finds the course made the first time.
CREATE UNIQUE INDEX courses_owner_client ON courses (owner_id, client_id) WHERE client_id <> '';

CREATE TABLE course_members (
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('student', 'instructor')),
    PRIMARY KEY (course_id, user_id)
);

-- A user's courses and rooms are looked up at every sign-in.
CREATE INDEX course_members_user ON course_members (user_id);

CREATE TABLE room_events (
    room_id BIGINT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    -- Empty for events the server generates itself.
    sender_id BIGINT REFERENCES users (id),
    client_id TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (room_id, seq)
);

-- A retried send (same room, sender and client id) is stored once.
CREATE UNIQUE INDEX room_events_idempotency ON room_events (room_id, sender_id, client_id)
    WHERE client_id <> '';
