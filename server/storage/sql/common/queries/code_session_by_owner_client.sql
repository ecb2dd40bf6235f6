SELECT id FROM code_sessions WHERE owner_id = :owner_id AND client_id = :client_id AND client_id <> ''
