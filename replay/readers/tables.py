"""The play-level companion tables of a BDB download (games, plays, players, pff, player_play, ...)."""

from __future__ import annotations

import pandas as pd

from ..errors import InputError
from ..sources import NA_VALUES, Source


class Tables:
    """Companion tables by kind, each read once on first use."""

    def __init__(self, sources: dict[str, Source] | None = None):
        self.sources: dict[str, Source] = dict(sources or {})
        self._cache: dict[str, pd.DataFrame] = {}

    def __contains__(self, kind: str) -> bool:
        return kind in self.sources

    def get(self, kind: str) -> pd.DataFrame | None:
        if kind not in self.sources:
            return None
        if kind not in self._cache:
            self._cache[kind] = read_table(self.sources[kind])
        return self._cache[kind]

    def require(self, kind: str, for_what: str, near: object) -> pd.DataFrame:
        df = self.get(kind)
        if df is None:
            raise InputError(near, f"needs the {kind} table ({kind}.csv) to {for_what}",
                             expected=f"{kind}.csv in the same folder or zip, or given on the command line")
        return df


def read_table(src: Source) -> pd.DataFrame:
    """A whole small table (plays.csv and friends), with clear errors."""
    cols, delim = src.header()
    try:
        with src.open_binary() as fh:
            df = pd.read_csv(fh, sep=delim, na_values=NA_VALUES, keep_default_na=False, low_memory=False)
    except pd.errors.EmptyDataError:
        raise InputError(src, "the file is empty", line=1) from None
    except (pd.errors.ParserError, EOFError, OSError, UnicodeDecodeError) as e:
        raise InputError(src, f"cannot read the table: {e}") from None
    df.columns = [c.strip() for c in df.columns]
    return df
