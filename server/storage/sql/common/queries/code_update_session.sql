UPDATE code_sessions
SET title = :title, access_code = :access_code, max_collaborators = :max_collaborators, locked = :locked,
    approval = :approval, lecture = :lecture
WHERE id = :session_id
