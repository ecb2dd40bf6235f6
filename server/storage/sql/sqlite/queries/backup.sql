-- A consistent copy even while other connections write (WAL).
VACUUM INTO :path
