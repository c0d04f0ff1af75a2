"""Big Data Bowl 2025 (2022 weeks 1-9, pre-snap): `tracking_week_{1..9}.csv` with `frameType` (BEFORE_SNAP / SNAP
/ AFTER_SNAP) and `club`; plays (with QB timing: `timeToThrow`, `timeInTackleBox`, ...), games, players and
`player_play.csv` (per player per play: target, pass rush, pressure, routes, coverage).

Quirks handled here: the targeted receiver is `wasTargettedReceiver == 1` (sic); roles come from player_play
(`hadDropback` -> passer, `wasInitialPassRusher` -> pass rusher, `wasRunningRoute` -> route runner; on dropbacks
the other offensive players block and the other defenders cover); pressure and route labels go to
`roster.extra`, QB timing and scheme to `meta.extra`; a play without a `ball_snap` event takes its snap from
the `SNAP` frame. `targetX`/`targetY` in `meta.extra` stay in raw field coordinates.
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence

import numpy as np
import pandas as pd

from ..assemble import PlayContext, build_play
from ..description import set_target_from_description
from ..errors import PlayError
from ..play import Play
from ..sources import Source, read_chunks
from ..teams import canonical_team
from . import bdb
from .base import Reader
from .tables import Tables

NAME = "bdb2025"
COLUMNS = ["gameId", "playId", "nflId", "displayName", "frameId", "frameType", "time", "jerseyNumber", "club",
           "playDirection", "x", "y", "s", "a", "dis", "o", "dir", "event"]
REQUIRED = ("gameId", "playId", "nflId", "frameId", "frameType", "club", "playDirection", "x", "y")
NUMERIC = ("x", "y", "s", "a", "dis", "o", "dir", "nflId", "jerseyNumber", "frameId")
PLAY_EXTRA = ("timeToThrow", "timeInTackleBox", "timeToSack", "passLength", "targetX", "targetY", "playAction",
              "dropbackType", "dropbackDistance", "passLocationType", "passTippedAtLine", "unblockedPressure",
              "isDropback", "qbSpike", "qbKneel", "qbSneak", "rushLocationType", "offenseFormation",
              "receiverAlignment", "playClockAtSnap", "pff_passCoverage", "pff_manZone", "pff_runConceptPrimary",
              "pff_runPassOption", "yardsGained", "prePenaltyYardsGained", "playNullifiedByPenalty",
              "expectedPoints", "expectedPointsAdded")
PLAYER_FLAGS = ("wasTargettedReceiver", "wasInitialPassRusher", "causedPressure", "wasRunningRoute",
                "inMotionAtBallSnap", "shiftSinceLineset", "motionSinceLineset", "pressureAllowedAsBlocker",
                "hadDropback", "hadPassReception", "quarterbackHit")
PLAYER_NUMBERS = ("timeToPressureAsPassRusher", "getOffAsPassRusher", "timeToPressureAllowedAsBlocker")
PLAYER_TEXT = ("routeRan", "pff_defensiveCoverageAssignment")



def player_play_labels(prows: dict[int, dict[str, Any]]) -> dict[str, dict[int, Any]]:
    """Per-player labels for `roster.extra`: flags as 1/0, times as seconds, routes and coverage as text."""
    out: dict[str, dict[int, Any]] = {}
    cols = set().union(*(r.keys() for r in prows.values())) if prows else set()
    for c in PLAYER_FLAGS:
        if c in cols:
            out[c] = {n: bdb.flag(r.get(c)) for n, r in prows.items()}
    for c in PLAYER_NUMBERS:
        if c in cols:
            out[c] = {n: bdb.number(r.get(c)) for n, r in prows.items()}
    for c in PLAYER_TEXT:
        if c in cols:
            out[c] = {n: bdb.plain(r.get(c)) for n, r in prows.items()}
    return out


def player_play_roles(prows: dict[int, dict[str, Any]], offense: str | None, dropback: bool) -> dict[int, str]:
    roles: dict[int, str] = {}
    for n, r in prows.items():
        if bdb.flag(r.get("hadDropback")) == 1.0:
            roles[n] = "passer"
        elif bdb.flag(r.get("wasInitialPassRusher")) == 1.0:
            roles[n] = "pass_rusher"
        elif bdb.flag(r.get("wasRunningRoute")) == 1.0:
            roles[n] = "route_runner"
        elif dropback and offense and bdb.text(r.get("teamAbbr")):
            roles[n] = "blocker" if canonical_team(r.get("teamAbbr")) == offense else "coverage"
    return roles


def _snap_from_frame_type(rows: pd.DataFrame, canon: pd.DataFrame, ctx: PlayContext) -> None:
    ev = canon["event"].astype(str).str.strip().str.lower()
    if ev.isin(["ball_snap", "autoevent_ballsnap"]).any():
        return
    snap = rows["frameType"].astype(str).str.strip().str.upper().to_numpy() == "SNAP"
    if not snap.any():
        return
    f = int(canon["frame_id"].to_numpy()[snap].min())
    at = np.flatnonzero(canon["frame_id"].to_numpy() == f)
    balls = at[canon["is_ball"].to_numpy()[at]]
    i = int(balls[0] if len(balls) else at[0])  # events repeat on every row: the other rows keep theirs
    canon.iloc[i, canon.columns.get_loc("event")] = "ball_snap"
    ctx.flags["snap_from_frame_type"] = f"no ball_snap event; snap taken from frameType SNAP at frame {f}"


class Bdb2025Reader(Reader):
    """bdb2025 as a `Reader` (see the module docstring for its quirks)."""

    name = NAME

    def matches(self, columns: Sequence[str]) -> bool:
        return {"gameId", "playId", "frameId", "frameType", "club"} <= set(columns)

    def read(self, src: Source, tables: Tables | None = None, **opts) -> Iterator[Play | PlayError]:
        tables = tables if tables is not None else Tables()
        plays = bdb.play_index(tables, "plays", src, required_for="know each play's offense, down and yard line")
        players = bdb.player_info(tables, src, required_for="know each player's position (the tracking has none)")
        games = bdb.game_index(tables, src)
        player_play = bdb.player_play_index(tables, "player_play")
        week = bdb.week_from_name(src.name)
        chunks = read_chunks(src, usecols=COLUMNS, numeric=NUMERIC, required=REQUIRED,
                             dtype={"event": object, "club": object, "displayName": object, "playDirection": object,
                                    "frameType": object}, **opts)

        def make(gid: int, pid: int, rows: pd.DataFrame) -> Play:
            key = f"{gid}:{pid}"
            prow = bdb.play_row(plays, gid, pid, src)
            prows = player_play.get((gid, pid), {})
            targets = [n for n, r in prows.items() if bdb.flag(r.get("wasTargettedReceiver")) == 1.0]
            meta = bdb.meta_from_tables(NAME, gid, pid, prow, games.get(gid), extra_columns=PLAY_EXTRA, week=week,
                                        target_nfl_id=targets[0] if len(targets) == 1 else None)
            dropback = bdb.flag(prow.get("isDropback")) == 1.0 or meta.play_type in ("pass", "sack")
            is_ball = bdb.ball_mask(rows, "nflId", "club", "displayName")
            canon = bdb.canonical(rows, key=key, path=str(src), frame="frameId", nfl_id="nflId", is_ball=is_ball,
                                  team=rows["club"].to_numpy(object), name="displayName", jersey="jerseyNumber")
            ctx = PlayContext(meta=meta, path=str(src), direction=bdb.first(rows, "playDirection"),
                              los_raw=bdb.absolute_los(prow), players=players,
                              roles=player_play_roles(prows, meta.offense_team, dropback),
                              player_extra=player_play_labels(prows))
            _snap_from_frame_type(rows, canon, ctx)
            play = build_play(canon, ctx)
            set_target_from_description(play)
            return play

        yield from bdb.stream_plays(src, chunks, "gameId", "playId", make)


READER = Bdb2025Reader()
