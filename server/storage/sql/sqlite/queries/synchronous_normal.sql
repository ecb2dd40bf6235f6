-- With WAL this survives a killed process; a power cut may lose the last commits.
PRAGMA synchronous = NORMAL
