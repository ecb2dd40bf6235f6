DELETE FROM settings WHERE key = :key
