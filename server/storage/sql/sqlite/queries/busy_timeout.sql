-- Another connection writing makes this one wait up to 5 s instead of failing at once.
PRAGMA busy_timeout = 5000
