"""Big Data Bowl 2019 (2017 season): `tracking_gameId_*.csv` with `frame.id`, `team` = home/away (ball rows
"ball"/"football"), no `playDirection`, no `o` or `a`; plays/games/players tables.

Quirks handled here: the direction is inferred (offense vs defense at the snap, in assembly); the line of
scrimmage is derived from `yardlineSide`/`yardlineNumber` and the possession team (there is no
`absoluteYardlineNumber`); `GameClock` is "MM:SS:00"; heights are `6'03"`; positions come from players.csv
(`PositionAbbr`); the targeted receiver is parsed from `playDescription`.
"""

from __future__ import annotations

from typing import Iterator, Sequence

import pandas as pd

from ..assemble import PlayContext, build_play
from ..description import set_target_from_description
from ..errors import PlayError
from ..play import Play
from ..sources import Source, read_chunks
from . import bdb
from .base import Reader
from .tables import Tables

NAME = "bdb2019"
COLUMNS = ["time", "x", "y", "s", "dis", "dir", "event", "nflId", "displayName", "jerseyNumber", "team",
           "frame.id", "gameId", "playId"]
REQUIRED = ("x", "y", "nflId", "team", "frame.id", "gameId", "playId")
NUMERIC = ("x", "y", "s", "dis", "dir", "nflId", "jerseyNumber", "frame.id")
PLAY_EXTRA = ("offenseFormation", "personnel.offense", "defendersInTheBox", "numberOfPassRushers",
              "personnel.defense", "PassLength", "YardsAfterCatch", "PlayResult", "isPenalty")


class Bdb2019Reader(Reader):
    """bdb2019 as a `Reader` (see the module docstring for its quirks)."""

    name = NAME

    def matches(self, columns: Sequence[str]) -> bool:
        return "frame.id" in columns and {"gameId", "playId", "team"} <= set(columns)

    def read(self, src: Source, tables: Tables | None = None, **opts) -> Iterator[Play | PlayError]:
        tables = tables if tables is not None else Tables()
        plays = bdb.play_index(tables, "plays", src, required_for="know each play's offense, down and yard line")
        games = bdb.game_index(tables, src, required_for="turn the tracking's team home/away into team codes")
        players = bdb.player_info(tables, src, required_for="know each player's position (the tracking has none)")
        chunks = read_chunks(src, usecols=COLUMNS, numeric=NUMERIC, required=REQUIRED,
                             dtype={"event": object, "team": object, "displayName": object}, **opts)

        def make(gid: int, pid: int, rows: pd.DataFrame) -> Play:
            key = f"{gid}:{pid}"
            prow = bdb.play_row(plays, gid, pid, src)
            grow = bdb.home_away_game_row(games, gid, pid, src)
            meta = bdb.meta_from_tables(NAME, gid, pid, prow, grow, extra_columns=PLAY_EXTRA)
            is_ball = bdb.ball_mask(rows, "nflId", "team", "displayName")
            team = bdb.home_away_codes(rows["team"], grow, key, str(src))
            canon = bdb.canonical(rows, key=key, path=str(src), frame="frame.id", nfl_id="nflId", is_ball=is_ball,
                                  team=team, name="displayName", jersey="jerseyNumber")
            ctx = PlayContext(meta=meta, path=str(src), direction=None,
                              los_x=bdb.los_from_yardline(prow, meta.offense_team), players=players)
            play = build_play(canon, ctx)
            set_target_from_description(play)
            return play

        yield from bdb.stream_plays(src, chunks, "gameId", "playId", make)


READER = Bdb2019Reader()
