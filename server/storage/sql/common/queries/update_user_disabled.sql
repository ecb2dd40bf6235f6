UPDATE users SET disabled = :disabled WHERE id = :id
