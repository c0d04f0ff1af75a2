"""NGS highlight plays (asonty/ngs_highlights): one TSV per play, 0-based `frame`, ball row `displayName="ball"`."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator, Sequence

import numpy as np
import pandas as pd

from ..assemble import PlayContext, build_play, pass_result_from_events
from ..description import set_target_from_description
from ..errors import PlayError
from ..play import Play, PlayMeta
from ..sources import Source, read_chunks
from ..teams import canonical_team
from ..units import game_clock
from .base import Reader
from .grouping import group_plays
from .tables import Tables

NAME = "ngs_highlights"
REQUIRED = ("gameId", "playId", "frame", "displayName", "nflId", "x", "y", "possessionFlag", "playDirection")
COLUMNS = ["gameId", "playId", "playType", "season", "seasonType", "week", "preSnapHomeScore", "preSnapVisitorScore",
           "playDirection", "quarter", "gameClock",
           "down", "yardsToGo", "absoluteYardlineNumber", "possessionFlag", "homeTeamFlag", "teamAbbr", "frame",
           "displayName", "jerseyNumber", "nflId", "position", "x", "y", "s", "o", "dir", "event",
           "playDescription"]
NUMERIC = ("frame", "nflId", "x", "y", "s", "o", "dir", "jerseyNumber", "possessionFlag", "homeTeamFlag",
           "preSnapHomeScore", "preSnapVisitorScore")
PLAY_TYPES = {"play_type_pass": "pass", "play_type_rush": "run", "play_type_sack": "sack",
              "play_type_kickoff": "kickoff", "play_type_punt": "punt", "play_type_field_goal": "field_goal",
              "play_type_xp": "extra_point", "play_type_extra_point": "extra_point",
              "play_type_two_point_conversion": "two_point"}



def _first(rows: pd.DataFrame, col: str):
    """The first non-missing value of a column (play-level columns repeat on every row)."""
    col = rows[col]
    i = col.first_valid_index()
    return None if i is None else col.at[i]


def _int(v) -> int | None:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _score(rows: pd.DataFrame, col: str) -> int | None:
    """Points before the snap from an optional column (older exports lack it): None when absent or unreadable."""
    if col not in rows:
        return None
    v = _first(rows, col)
    return _int(v) if v is not None and np.isfinite(v) and v >= 0 else None


def _play(src: Source, gid: int, pid: int, rows: pd.DataFrame) -> Play:
    is_ball = (rows["displayName"].astype(str).str.lower().isin(["ball", "football"])) | rows["nflId"].isna()
    teams = rows[["possessionFlag", "homeTeamFlag", "teamAbbr"]][~is_ball].drop_duplicates()
    off_team = canonical_team(_first(teams[teams["possessionFlag"] == 1], "teamAbbr"))
    def_team = canonical_team(_first(teams[teams["possessionFlag"] == 0], "teamAbbr"))
    home = canonical_team(_first(teams[teams["homeTeamFlag"] == 1], "teamAbbr"))
    away = canonical_team(_first(teams[teams["homeTeamFlag"] == 0], "teamAbbr"))
    desc = str(_first(rows, "playDescription") or "")
    meta = PlayMeta(
        game_id=gid, play_id=pid, source_format=NAME, season=_int(_first(rows, "season")),
        week=_int(_first(rows, "week")), season_type=_first(rows, "seasonType"), home_team=home or None,
        away_team=away or None, offense_team=off_team or None, defense_team=def_team or None,
        quarter=_int(_first(rows, "quarter")), game_clock=game_clock(_first(rows, "gameClock")),
        down=_int(_first(rows, "down")), distance=_int(_first(rows, "yardsToGo")),
        play_type=PLAY_TYPES.get(str(_first(rows, "playType")), "other"), description=desc,
        home_score=_score(rows, "preSnapHomeScore"), away_score=_score(rows, "preSnapVisitorScore"),
    )
    side = np.where(rows["possessionFlag"] == 1, "off", np.where(rows["possessionFlag"] == 0, "def", ""))
    canon = pd.DataFrame({
        "frame_id": rows["frame"].to_numpy(np.int64) + 1,
        "nfl_id": rows["nflId"].to_numpy(np.float64), "is_ball": is_ball.to_numpy(),
        "x": rows["x"], "y": rows["y"], "s": rows["s"], "o": rows["o"], "dir": rows["dir"],
        "event": rows["event"], "name": rows["displayName"], "jersey": rows["jerseyNumber"],
        "position": rows["position"], "team": rows["teamAbbr"], "side": side,
    })
    los = _first(rows, "absoluteYardlineNumber")
    ctx = PlayContext(meta=meta, path=str(src), direction=_first(rows, "playDirection"),
                      los_raw=float(los) if los is not None else None)
    play = build_play(canon, ctx)
    if play.meta.play_type in ("pass", "sack"):  # the result is only known once the events are cleaned
        play.meta = replace(play.meta, pass_result=pass_result_from_events(play.events))
    set_target_from_description(play)
    return play


class NgsHighlightsReader(Reader):
    """ngs_highlights as a `Reader` (see the module docstring for its quirks)."""

    name = NAME

    def matches(self, columns: Sequence[str]) -> bool:
        return {"frame", "possessionFlag", "homeTeamFlag", "displayName"} <= set(columns)

    def read(self, src: Source, tables: Tables | None = None, **opts) -> Iterator[Play | PlayError]:
        """Plays of one highlights TSV (any file name: ids come from the rows). `opts` go to `read_chunks`."""
        chunks = read_chunks(src, usecols=COLUMNS, numeric=NUMERIC, required=REQUIRED,
                             dtype={"event": object, "teamAbbr": object, "position": object}, **opts)
        for (gid, pid), rows in group_plays(chunks, "gameId", "playId", src):
            try:
                yield _play(src, gid, pid, rows)
            except PlayError as e:
                yield e


READER = NgsHighlightsReader()
