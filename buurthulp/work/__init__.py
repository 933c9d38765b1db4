"""The coordinator's work: one queue that every feature feeds (`queue.register_source`)
and that each staff page can show a part of (`queue.door`)."""
