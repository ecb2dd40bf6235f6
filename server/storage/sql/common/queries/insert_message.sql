INSERT INTO messages (room_id, seq, kind, sender_id, client_id, text, thread_root, created_at, mentions,
                      mentions_room, system, attachments)
VALUES (:room_id, :seq, :kind, :sender_id, :client_id, :text, :thread_root, :created_at, :mentions,
        :mentions_room, :system, :attachments)
