SELECT room_id, seq, kind, sender_id, client_id, payload, created_at
FROM (SELECT room_id, seq, kind, sender_id, client_id, payload, created_at
      FROM room_events
      WHERE room_id = :room_id
      ORDER BY seq DESC
      LIMIT :limit) AS latest
ORDER BY seq
