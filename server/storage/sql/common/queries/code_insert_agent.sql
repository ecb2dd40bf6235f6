-- A taken agent id inserts nothing.
INSERT INTO code_agents (session_id, agent, user_id, created_at)
VALUES (:session_id, :agent, :user_id, :created_at)
ON CONFLICT DO NOTHING
