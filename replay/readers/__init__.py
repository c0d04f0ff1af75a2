"""One reader per source format, each a `base.Reader` detected from its table header (see `detect`).

A reader has a `name`, `matches(columns) -> bool` and
`read(src, tables, chunk_rows=None) -> Iterator[Play | PlayError]`, where `tables` holds the play-level
companion tables found beside the tracking file (games, plays, players, ...); it hands each play's rows, in the
canonical layout of `replay/rows.py`, to `assemble.build_play`.
"""

from . import bdb2019, bdb2021, bdb2022, bdb2023, bdb2024, bdb2025, bdb2026, ngs_highlights
from .base import Reader

# The first reader whose `matches` accepts a header takes the file. Each release's `matches` accepts only its own
# tracking header (tests/replay/readers/test_bdb.py checks every header against every reader), so the order is a
# tie-break that should never be needed.
READERS: list[Reader] = [m.READER for m in (ngs_highlights, bdb2019, bdb2021, bdb2022, bdb2023, bdb2024, bdb2025,
                                            bdb2026)]
