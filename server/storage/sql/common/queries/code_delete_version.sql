DELETE FROM code_versions WHERE id = :version_id
