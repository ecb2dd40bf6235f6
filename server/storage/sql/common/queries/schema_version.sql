SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations
