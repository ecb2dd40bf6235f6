-- Also survives a power cut, at the cost of an fsync per commit.
PRAGMA synchronous = FULL
