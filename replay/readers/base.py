"""The contract every reader in `replay/readers/` implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Iterator, Sequence

from ..errors import PlayError
from ..play import Play
from ..sources import Source
from .tables import Tables


class Reader(ABC):
    """One source format: recognises its tracking tables by header and reads them into canonical plays.

    `read` groups the file's rows play by play, turns each play's rows into the canonical layout of
    `replay/rows.py` and hands them to `assemble.build_play`, which validates them against that schema.
    """

    name: ClassVar[str]  # the format's name, stored as `PlayMeta.source_format`

    @abstractmethod
    def matches(self, columns: Sequence[str]) -> bool:
        """Whether a table header is this format's tracking table (and no other reader's)."""

    @abstractmethod
    def read(self, src: Source, tables: Tables | None = None, **opts) -> Iterator[Play | PlayError]:
        """Every play of `src`, or a PlayError for a play that cannot be built. `tables` holds the play-level
        companion tables found beside the file; `opts` (`chunk_rows`, `progress`) go to `read_chunks`."""

    def detects(self, src: Source) -> bool:
        """Whether `src` is one of this format's tracking files, from its header."""
        return self.matches(src.header()[0])

    def __repr__(self) -> str:
        return f"<reader {self.name}>"
