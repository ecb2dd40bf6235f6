-- Everyone who shares a room with the user (presence goes to them).
SELECT DISTINCT o.user_id FROM room_members me JOIN room_members o ON o.room_id = me.room_id
WHERE me.user_id = :user_id AND o.user_id <> :user_id_again
