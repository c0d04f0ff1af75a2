"""Training sessions on disk: the append-only stream, the summary recomputed from it, the report plots."""
