"""Training sessions on disk: the typed, versioned records (`records`), the append-only stream (`stream`), the
summary recomputed from it (`summary`) and the report plots (`report`)."""
