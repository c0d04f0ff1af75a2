"""Big Data Bowl 2021 (2018 season, pass plays): `week{1..17}.csv` with `position` and `route` on the rows,
`team` = home/away/football (ball: `displayName="Football"`, `nflId` NA); plays/games/players tables and the
bonus `targetedReceiver.csv`.

Quirks handled here: home/away mapped to team codes through games.csv; the ball sometimes off the field
("wonky", dropped while live in assembly, the LOS then comes from `absoluteYardlineNumber`); mixed height
formats ("6-2" and "74"); `route` kept per player in `roster.extra["route"]`; the target from
targetedReceiver.csv, else from the description.
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

NAME = "bdb2021"
COLUMNS = ["time", "x", "y", "s", "a", "dis", "o", "dir", "event", "nflId", "displayName", "jerseyNumber",
           "position", "frameId", "team", "gameId", "playId", "playDirection", "route"]
REQUIRED = ("x", "y", "nflId", "team", "frameId", "gameId", "playId", "playDirection")
NUMERIC = ("x", "y", "s", "a", "dis", "o", "dir", "nflId", "jerseyNumber", "frameId")
PLAY_EXTRA = ("offenseFormation", "personnelO", "defendersInTheBox", "numberOfPassRushers", "personnelD",
              "typeDropback", "offensePlayResult", "playResult", "epa", "isDefensivePI", "penaltyCodes")


class Bdb2021Reader(Reader):
    """bdb2021 as a `Reader` (see the module docstring for its quirks)."""

    name = NAME

    def matches(self, columns: Sequence[str]) -> bool:
        cols = set(columns)
        return {"frameId", "team", "position", "route", "displayName"} <= cols and "club" not in cols

    def read(self, src: Source, tables: Tables | None = None, **opts) -> Iterator[Play | PlayError]:
        tables = tables if tables is not None else Tables()
        plays = bdb.play_index(tables, "plays", src, required_for="know each play's offense, down and yard line")
        games = bdb.game_index(tables, src, required_for="turn the tracking's team home/away into team codes")
        players = bdb.player_info(tables, src)
        targets = bdb.play_index(tables, "targets", src)
        week = bdb.week_from_name(src.name)
        chunks = read_chunks(src, usecols=COLUMNS, numeric=NUMERIC, required=REQUIRED,
                             dtype={"event": object, "team": object, "displayName": object, "position": object,
                                    "route": object, "playDirection": object}, **opts)

        def make(gid: int, pid: int, rows: pd.DataFrame) -> Play:
            key = f"{gid}:{pid}"
            prow = bdb.play_row(plays, gid, pid, src)
            grow = bdb.home_away_game_row(games, gid, pid, src)
            target = bdb.integer(bdb.pick(targets.get((gid, pid)), "targetNflId"))
            meta = bdb.meta_from_tables(NAME, gid, pid, prow, grow, extra_columns=PLAY_EXTRA, week=week,
                                        target_nfl_id=target)
            is_ball = bdb.ball_mask(rows, "nflId", "team", "displayName")
            team = bdb.home_away_codes(rows["team"], grow, key, str(src))
            canon = bdb.canonical(rows, key=key, path=str(src), frame="frameId", nfl_id="nflId", is_ball=is_ball,
                                  team=team, name="displayName", jersey="jerseyNumber", position="position")
            extra = {}
            if "route" in rows:
                extra["route"] = bdb.per_player_first(rows[~is_ball], "nflId", "route")
            ctx = PlayContext(meta=meta, path=str(src), direction=bdb.first(rows, "playDirection"),
                              los_raw=bdb.absolute_los(prow), players=players, player_extra=extra)
            play = build_play(canon, ctx)
            set_target_from_description(play)
            return play

        yield from bdb.stream_plays(src, chunks, "gameId", "playId", make)


READER = Bdb2021Reader()
