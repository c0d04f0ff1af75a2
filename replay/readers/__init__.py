"""One reader per source format; each is detected from its table header (see `detect`).

A reader module has `NAME`, `matches(columns) -> bool` and
`read(src, tables, chunk_rows=None) -> Iterator[Play | PlayError]`, where `tables` holds the play-level
companion tables found beside the tracking file (games, plays, players, ...).
"""

from . import bdb2019, bdb2021, bdb2022, bdb2023, bdb2024, bdb2025, bdb2026, ngs_highlights

# The first reader whose `matches` accepts a header takes the file. Each release's `matches` accepts only its own
# tracking header (tests/test_readers_bdb.py checks every header against every reader), so the order is a
# tie-break that should never be needed.
READERS = [ngs_highlights, bdb2019, bdb2021, bdb2022, bdb2023, bdb2024, bdb2025, bdb2026]
