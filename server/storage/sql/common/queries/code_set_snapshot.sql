-- The snapshot covers every update up to last_n; the caller deletes those log rows.
UPDATE code_files SET snapshot = :snapshot, snapshot_n = last_n, log_bytes = 0
WHERE id = :file_id AND last_n = :upto_n
