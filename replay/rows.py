"""The canonical row layout every reader hands to assembly (`assemble.build_play`), declared once.

One row per (frame, player) and per (frame, ball). Required columns must be present; optional ones a source
lacks are filled with their declared default when the rows are conformed, nowhere else. A reader whose rows miss
a required column (or carry one of the wrong kind) stops with a one-line `InputError` naming the reader, the file
and the column: it is a reader defect or a file that is not what its header claimed, not a bad play.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .errors import InputError


@dataclass(frozen=True)
class Column:
    """One canonical column: its name, the dtype kinds it may arrive as, whether it is required, its default."""

    name: str
    kinds: str  # numpy dtype kinds accepted as they come: i int, u uint, f float, b bool, O object (text)
    required: bool
    default: Any = None
    doc: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("frame_id", "iu", True, doc="frame number, 1-based, 10 Hz"),
    Column("nfl_id", "iuf", True, doc="player id; NaN on ball rows"),
    Column("is_ball", "b", True, doc="the row is the ball's"),
    Column("x", "iuf", True, doc="raw x in yards along the field (source direction, not yet normalised)"),
    Column("y", "iuf", True, doc="raw y in yards across the field"),
    Column("s", "iufO", False, math.nan, "speed, yd/s"),
    Column("a", "iufO", False, math.nan, "acceleration, yd/s^2 (derived in assembly when the source has none)"),
    Column("o", "iufO", False, math.nan, "orientation, degrees, 0 = +y, clockwise"),
    Column("dir", "iufO", False, math.nan, "direction of motion, degrees, same convention as `o`"),
    Column("event", "O", False, "", doc="event name on the frame's rows, '' when none"),
    Column("name", "O", False, "", doc="player name"),
    Column("jersey", "iufO", False, "", doc="jersey number (text or number)"),
    Column("position", "O", False, "", doc="position abbreviation"),
    Column("team", "O", False, "", doc="team code (any spelling `teams.canonical_team` knows)"),
    Column("side", "O", False, "", doc='"off" / "def", or "" when the team decides'),
)
BY_NAME = {c.name: c for c in COLUMNS}
REQUIRED = tuple(c.name for c in COLUMNS if c.required)
TRACK_COLUMNS = ("x", "y", "s", "a", "o", "dir")
PLAYER_COLUMNS = ("name", "jersey", "position", "team", "side")


def conform(rows: pd.DataFrame, *, reader: str, path: str) -> pd.DataFrame:
    """`rows` checked against the schema, with each absent optional column added at its declared default.

    Raises InputError naming the reader, the file and the first required column that is missing or of a kind
    the schema does not accept. The caller's frame is not modified."""
    for col in REQUIRED:
        if col not in rows:
            raise InputError(path, f"reader {reader!r} handed assembly rows without the required canonical column",
                             column=col, expected="the columns declared in replay/rows.py")
    if len(rows):
        dtypes = rows.dtypes.to_dict()
        for c in COLUMNS:
            dt = dtypes.get(c.name)
            if dt is not None and dt.kind not in c.kinds:
                raise InputError(path, f"reader {reader!r} handed assembly a {dt} column",
                                 column=c.name, expected=f"dtype kind in {c.kinds!r}")
    absent = {c.name: c.default for c in COLUMNS if not c.required and c.name not in rows}
    return rows.assign(**absent) if absent else rows
