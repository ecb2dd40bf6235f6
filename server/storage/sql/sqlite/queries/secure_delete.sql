-- Deleted rows are overwritten with zeros, so that a deleted message, session or file does not
-- linger in the file's free pages (see SqlConnection::openSqlite for ON rather than FAST).
PRAGMA secure_delete = ON
