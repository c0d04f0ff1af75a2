"""One reader per source format; each is detected from its table header (see `detect`).

A reader module has `NAME`, `matches(columns) -> bool` and
`read(src, tables, chunk_rows=None) -> Iterator[Play | PlayError]`, where `tables` holds the play-level
companion tables found beside the tracking file (games, plays, players, ...).
"""

from . import ngs_highlights

# Order matters: the first reader whose `matches` accepts a header takes the file.
READERS = [ngs_highlights]
