SELECT id FROM rooms WHERE created_by = :created_by AND client_id = :client_id AND client_id <> ''
