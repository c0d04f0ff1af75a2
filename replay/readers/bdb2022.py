"""Big Data Bowl 2022 (2018-2020 special teams): `tracking2018.csv`..`tracking2020.csv` with `position` on the
rows and `team` = home/away/football; plays (special-teams columns), games, players (`Position`) and the
play-level `PFFScoutingData.csv`.

Quirks handled here: special-teams play types (kickoff, punt, field goal, extra point) and fakes
(`specialTeamsResult == "Non-Special Teams Result"` with a `passResult` is a scrimmage pass or run); kickoffs have
no `ball_snap` (assembly infers it from the ball's first movement and flags it); PFF snap/kick details go to
`meta.extra` (its jersey-string tackler columns are not joined: nflId joins only).
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

NAME = "bdb2022"
COLUMNS = ["time", "x", "y", "s", "a", "dis", "o", "dir", "event", "nflId", "displayName", "jerseyNumber",
           "position", "team", "frameId", "gameId", "playId", "playDirection"]
REQUIRED = ("x", "y", "nflId", "team", "frameId", "gameId", "playId", "playDirection")
NUMERIC = ("x", "y", "s", "a", "dis", "o", "dir", "nflId", "jerseyNumber", "frameId")
PLAY_EXTRA = ("specialTeamsPlayType", "specialTeamsResult", "kickerId", "returnerId", "kickBlockerId",
              "kickLength", "kickReturnYardage", "playResult", "penaltyCodes", "penaltyYards")
PFF_EXTRA = ("snapDetail", "snapTime", "operationTime", "hangTime", "kickType", "kickDirectionIntended",
             "kickDirectionActual", "returnDirectionIntended", "returnDirectionActual", "kickContactType",
             "kickoffReturnFormation")


class Bdb2022Reader(Reader):
    """bdb2022 as a `Reader` (see the module docstring for its quirks)."""

    name = NAME

    def matches(self, columns: Sequence[str]) -> bool:
        cols = set(columns)
        return ({"frameId", "team", "position", "displayName", "playDirection"} <= cols
                and not cols & {"route", "club", "frameType"})

    def read(self, src: Source, tables: Tables | None = None, **opts) -> Iterator[Play | PlayError]:
        tables = tables if tables is not None else Tables()
        plays = bdb.play_index(tables, "plays", src, required_for="know each play's kicking/possession team and type")
        games = bdb.game_index(tables, src, required_for="turn the tracking's team home/away into team codes")
        players = bdb.player_info(tables, src)
        pff = bdb.play_index(tables, "pff_special_teams", src)
        chunks = read_chunks(src, usecols=COLUMNS, numeric=NUMERIC, required=REQUIRED,
                             dtype={"event": object, "team": object, "displayName": object, "position": object,
                                    "playDirection": object}, **opts)

        def make(gid: int, pid: int, rows: pd.DataFrame) -> Play:
            key = f"{gid}:{pid}"
            prow = bdb.play_row(plays, gid, pid, src)
            grow = bdb.home_away_game_row(games, gid, pid, src)
            srow = pff.get((gid, pid)) or {}
            pff_labels = {c: v for c in PFF_EXTRA if (v := bdb.plain(srow.get(c))) is not None}
            meta = bdb.meta_from_tables(NAME, gid, pid, prow, grow, extra_columns=PLAY_EXTRA, extra=pff_labels)
            is_ball = bdb.ball_mask(rows, "nflId", "team", "displayName")
            team = bdb.home_away_codes(rows["team"], grow, key, str(src))
            canon = bdb.canonical(rows, key=key, path=str(src), frame="frameId", nfl_id="nflId", is_ball=is_ball,
                                  team=team, name="displayName", jersey="jerseyNumber", position="position")
            ctx = PlayContext(meta=meta, path=str(src), direction=bdb.first(rows, "playDirection"),
                              los_raw=bdb.absolute_los(prow), players=players)
            play = build_play(canon, ctx)
            set_target_from_description(play)
            return play

        yield from bdb.stream_plays(src, chunks, "gameId", "playId", make)


READER = Bdb2022Reader()
