"""Streaming a tracking table play by play: rows arrive in chunks, plays leave as soon as they are complete."""

from __future__ import annotations

import warnings
from typing import Iterator

import pandas as pd

from ..errors import InputError


def group_plays(chunks: Iterator[pd.DataFrame], game_col: str, play_col: str, source: object
                ) -> Iterator[tuple[tuple[int, int], pd.DataFrame]]:
    """Yield ((game_id, play_id), rows) per play, in file order.

    Tracking files hold each play's rows together, so a play is complete once a chunk no longer contains it:
    memory stays bounded by the chunk size plus the plays in progress. Rows of a play that turn up again after
    it was emitted cannot be merged any more; they are reported and that play's late rows are skipped.
    """
    pending: dict[tuple[int, int], list[pd.DataFrame]] = {}
    emitted: set[tuple[int, int]] = set()
    for chunk in chunks:
        for col in (game_col, play_col):
            bad = pd.to_numeric(chunk[col], errors="coerce").isna()
            if bad.any():  # a row whose play cannot be told is dropped and named; every other row still counts
                k = int(bad.to_numpy().nonzero()[0][0])
                v = chunk[col].iloc[k]
                shown = "an empty cell" if pd.isna(v) else f"value {v!r}"
                warnings.warn(str(InputError(source, f"{shown} is not an id; "
                                             f"{int(bad.sum())} row(s) without a usable id skipped",
                                             line=int(chunk["_line"].iloc[k]), column=col)), stacklevel=2)
                chunk = chunk[~bad.to_numpy()]
        g = chunk[game_col].astype("int64")
        p = chunk[play_col].astype("int64")
        present: list[tuple[int, int]] = []
        for (gid, pid), part in chunk.groupby([g, p], sort=False):
            k = (int(gid), int(pid))
            if k in emitted:
                warnings.warn(f"{source}: rows of play {k[0]}:{k[1]} appear again after the play was complete "
                              f"(line {int(part['_line'].iloc[0])}); those rows are skipped", stacklevel=2)
                continue
            pending.setdefault(k, []).append(part)
            present.append(k)
        now = set(present)
        for k in [k for k in pending if k not in now]:
            parts = pending.pop(k)
            emitted.add(k)
            yield k, parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
    for k, parts in pending.items():
        emitted.add(k)
        yield k, parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
