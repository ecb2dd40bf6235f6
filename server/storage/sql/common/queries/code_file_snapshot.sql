SELECT snapshot, snapshot_n, last_n FROM code_files WHERE id = :file_id
