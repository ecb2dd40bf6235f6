-- Only from the expected number: a second writer of the same file would fail here.
UPDATE code_files SET last_n = :n, log_bytes = log_bytes + :bytes
WHERE id = :file_id AND last_n = :previous_n AND deleted = 0
