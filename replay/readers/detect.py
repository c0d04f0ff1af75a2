"""Which reader takes a table, decided from its header; and which tables are play-level companions."""

from __future__ import annotations

from ..sources import Source
from .base import Reader

# Companion (play-level) tables of the BDB releases, by a header signature.
# Checked in order: supplementary_data.csv (2026) also has game columns, so it comes before games.
COMPANIONS = {
    "supplementary": ({"game_id", "play_id", "play_description"},),
    "games": ({"gameId", "homeTeamAbbr", "visitorTeamAbbr"}, {"game_id", "home_team_abbr"}),
    "plays": ({"gameId", "playId", "playDescription"}, {"gameId", "playId", "playDescription"}),
    "players": ({"nflId", "displayName"}, {"nflId", "PositionAbbr"}),
    "pff": ({"gameId", "playId", "nflId", "pff_role"},),
    "player_play": ({"gameId", "playId", "nflId", "wasInitialPassRusher"},),
    "tackles": ({"gameId", "playId", "nflId", "tackle"},),
    "targets": ({"gameId", "playId", "targetNflId"},),
    "pff_special_teams": ({"gameId", "playId", "snapDetail"}, {"gameId", "playId", "kickType", "hangTime"}),
    "bdb2026_output": ({"game_id", "play_id", "nfl_id", "frame_id", "x", "y"},),  # paired by name with its input
}


def tracking_reader(columns: list[str]) -> Reader | None:
    """The reader whose tracking schema this header is, or None."""
    from . import READERS
    for reader in READERS:
        if reader.matches(columns):
            return reader
    return None


def companion_kind(columns: list[str]) -> str | None:
    cols = set(columns)
    for kind, sigs in COMPANIONS.items():
        if any(sig <= cols for sig in sigs):
            return kind
    return None


def classify(src: Source) -> tuple[str, Reader | str | list[str]]:
    """('tracking', reader) or ('companion', kind) or ('unknown', header)."""
    cols, _ = src.header()
    reader = tracking_reader(cols)
    if reader is not None:
        return "tracking", reader
    kind = companion_kind(cols)
    if kind is not None:
        return "companion", kind
    return "unknown", cols
