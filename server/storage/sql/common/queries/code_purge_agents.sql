DELETE FROM code_agents WHERE session_id = :session_id
