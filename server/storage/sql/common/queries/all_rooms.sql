SELECT id, kind, name, course_id, last_seq, topic, visibility, member_limit, archived
-- Code sessions' rooms (kind 'code') are reached through their sessions, not listed.
FROM rooms
WHERE kind <> 'code'
ORDER BY id
