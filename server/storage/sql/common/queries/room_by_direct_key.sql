SELECT id FROM rooms WHERE direct_key = :direct_key
