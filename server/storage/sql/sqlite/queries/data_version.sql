-- Changes whenever another connection (the storage's own, or another process) has committed.
PRAGMA data_version
