UPDATE rooms SET name = :name, topic = :topic, archived = :archived WHERE id = :id
