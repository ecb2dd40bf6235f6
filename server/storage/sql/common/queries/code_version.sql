SELECT v.id, v.session_id, v.name, v.created_by, v.created_at,
       (SELECT COUNT(*) FROM code_version_files f WHERE f.version_id = v.id) AS files
FROM code_versions v
WHERE v.id = :version_id
