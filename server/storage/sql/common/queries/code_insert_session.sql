INSERT INTO code_sessions (room_id, title, owner_id, course_id, scope, access_code, max_collaborators,
                           locked, approval, lecture, client_id, created_at)
VALUES (:room_id, :title, :owner_id, :course_id, :scope, :access_code, :max_collaborators,
        0, :approval, :lecture, :client_id, :created_at)
RETURNING id
