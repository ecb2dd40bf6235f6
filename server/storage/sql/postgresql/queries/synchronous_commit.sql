-- Acknowledged means durable (product principle 2), whatever the server's own default says.
SET synchronous_commit TO ON
