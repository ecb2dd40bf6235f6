SELECT seq, emoji, user_id FROM reactions
WHERE room_id = :room_id AND seq >= :first AND seq <= :last
ORDER BY seq, emoji, created_at, user_id
