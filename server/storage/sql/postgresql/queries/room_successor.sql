-- Who owns a room after its owner: the longest-standing admin, else the longest-standing member;
-- disabled accounts last (they could not use the room; one inherits only when nobody else is left).
-- A member joined at their latest member.joined system message (none: with the room's creation);
-- ties go to the lowest user id. Only those rows hold JSON, so the CASE keeps the cast off the
-- others.
SELECT r.user_id FROM room_members r JOIN users u ON u.id = r.user_id
WHERE r.room_id = :room_id AND r.user_id <> :leaving
ORDER BY u.disabled,
         CASE r.role WHEN 'admin' THEN 0 ELSE 1 END,
         COALESCE((SELECT MAX(m.seq) FROM messages m
                   WHERE m.room_id = r.room_id
                     AND CASE WHEN m.kind = 'member.joined' AND m.system <> ''
                              THEN CAST(m.system AS jsonb) -> 'user' ->> 'id' = CAST(r.user_id AS TEXT)
                              ELSE FALSE END), 0),
         r.user_id
LIMIT 1
