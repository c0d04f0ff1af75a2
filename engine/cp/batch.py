"""Batch CP scoring of every throw in the store: for each play with a release, the completion probability of
every eligible receiver at the real release, the real target's and the best. A pure function of (store
directory, keys) -> rows, so it runs in this process or as Dask tasks (`engine.cluster`)."""

from __future__ import annotations

from typing import Any

from replay.errors import StoreError
from replay.roles import play_kind, release_time
from replay.store import PlayStore

from .timeline import cp_at

FIELDS = ("key", "kind", "release_t", "target", "cp_target", "best", "cp_best", "receivers")


def score_throws(root: str, keys: list[str]) -> list[dict[str, Any] | str]:
    """One row per play of `keys` thrown from a dropback (others left out), or the reason it could not be read."""
    store = PlayStore(root)
    out: list[dict[str, Any] | str] = []
    for key in keys:
        try:
            play = store.load(key)
        except StoreError as e:
            out.append(f"{key}: {e}")
            continue
        t = release_time(play)
        if t is None or play_kind(play) not in ("dropback", "trick"):
            continue
        cps = cp_at(play, t)
        if not cps:
            continue
        best = max(cps, key=cps.get)
        target = play.meta.target_nfl_id
        out.append({"key": key, "kind": play_kind(play), "release_t": round(t, 2), "target": target,
                    "cp_target": None if target is None or int(target) not in cps else round(cps[int(target)], 4),
                    "best": best, "cp_best": round(cps[best], 4), "receivers": len(cps)})
    return out
