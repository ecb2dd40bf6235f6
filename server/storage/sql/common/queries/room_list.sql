-- room.list, a single room and study.browse in one statement per call: every per-room figure
-- is a subquery here, never a query per room. :include_others adds rooms the user is not a
-- member of (admins; one room; browsing); :only_room and :browse_course narrow the rows.
SELECT r.id, r.kind, r.name, r.course_id, r.last_seq, r.topic, r.visibility, r.member_limit, r.archived,
       (SELECT COUNT(*) FROM room_members a WHERE a.room_id = r.id) AS member_count,
       me.role AS my_role,
       COALESCE(me.muted, 0) AS muted,
       COALESCE(me.pinned, 0) AS pinned,
       COALESCE(me.last_read_seq, 0) AS last_read,
       CASE WHEN me.user_id IS NULL THEN 0 ELSE
           (SELECT COUNT(*) FROM messages u
            WHERE u.room_id = r.id AND u.seq > me.last_read_seq AND u.kind = 'message' AND u.deleted = 0
              AND u.sender_id <> me.user_id) END AS unread,
       CASE WHEN me.user_id IS NULL THEN 0 ELSE
           (SELECT COUNT(*) FROM messages u
            WHERE u.room_id = r.id AND u.seq > me.last_read_seq AND u.kind = 'message' AND u.deleted = 0
              AND u.sender_id <> me.user_id
              AND (u.mentions_room = 1 OR u.mentions LIKE :mention_pattern)) END AS mentions,
       p.id AS peer_id, p.username AS peer_username, p.display_name AS peer_display_name, p.role AS peer_role,
       lm.seq AS last_message_seq, lm.created_at AS last_message_ts, lm.text AS last_message_text,
       lm.attachments AS last_message_attachments,
       lu.display_name AS last_message_sender
FROM rooms r
LEFT JOIN room_members me ON me.room_id = r.id AND me.user_id = :user_id
LEFT JOIN users p ON r.kind = 'direct'
    AND p.id = (SELECT o.user_id FROM room_members o WHERE o.room_id = r.id AND o.user_id <> :peer_of
                ORDER BY o.user_id LIMIT 1)
LEFT JOIN messages lm ON lm.room_id = r.id
    AND lm.seq = (SELECT MAX(x.seq) FROM messages x WHERE x.room_id = r.id AND x.kind = 'message' AND x.deleted = 0)
LEFT JOIN users lu ON lu.id = lm.sender_id
-- The IN list is the user's memberships (read through room_members_user) unless other rooms
-- are included, so a user's list does not scan every room of the server. A code session's
-- room (kind 'code') has no members and belongs to code.join, not to the chat.
WHERE r.id IN (SELECT m.room_id FROM room_members m WHERE m.user_id = :member_of
               UNION ALL
               SELECT a.id FROM rooms a WHERE :include_others = 1 AND a.kind <> 'code')
  AND (:only_room = 0 OR r.id = :room_id)
  AND (:browse = 0 OR (r.course_id = :course_id AND r.kind = 'study' AND r.visibility = 'public'))
ORDER BY r.id
