"""Big Data Bowl 2024 (2022 weeks 1-9, tackling): `tracking_week_{1..9}.csv`, the first release with `club`
instead of `team` (ball: `displayName="football"`, `club="football"`, NA nflId/jersey/o/dir); plays/games/players
tables and `tackles.csv` (per player per play: tackle, assist, forcedFumble, pff_missedTackle).

Quirks handled here: some plays have no `ball_snap` and start near the handoff or catch (assembly infers the snap
from the ball's first movement and flags `inferred_snap`); timestamps jitter (`.299999`) so frames are ordered
by `frameId`, never by `time`; positions joined from players.csv; tackle credits in `roster.extra`; the
targeted receiver parsed from `playDescription`.
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

NAME = "bdb2024"
COLUMNS = ["gameId", "playId", "nflId", "displayName", "frameId", "time", "jerseyNumber", "club", "playDirection",
           "x", "y", "s", "a", "dis", "o", "dir", "event"]
REQUIRED = ("gameId", "playId", "nflId", "frameId", "club", "playDirection", "x", "y")
NUMERIC = ("x", "y", "s", "a", "dis", "o", "dir", "nflId", "jerseyNumber", "frameId")
PLAY_EXTRA = ("ballCarrierId", "ballCarrierDisplayName", "passLength", "playResult", "prePenaltyPlayResult",
              "playNullifiedByPenalty", "offenseFormation", "defendersInTheBox", "passProbability",
              "expectedPoints", "expectedPointsAdded")
TACKLE_EXTRA = ("tackle", "assist", "forcedFumble", "pff_missedTackle")


class Bdb2024Reader(Reader):
    """bdb2024 as a `Reader` (see the module docstring for its quirks)."""

    name = NAME

    def matches(self, columns: Sequence[str]) -> bool:
        cols = set(columns)
        return {"gameId", "playId", "frameId", "club", "displayName"} <= cols and "frameType" not in cols

    def read(self, src: Source, tables: Tables | None = None, **opts) -> Iterator[Play | PlayError]:
        tables = tables if tables is not None else Tables()
        plays = bdb.play_index(tables, "plays", src, required_for="know each play's offense, down and yard line")
        players = bdb.player_info(tables, src, required_for="know each player's position (the tracking has none)")
        games = bdb.game_index(tables, src)
        tackles = bdb.player_play_index(tables, "tackles")
        week = bdb.week_from_name(src.name)
        chunks = read_chunks(src, usecols=COLUMNS, numeric=NUMERIC, required=REQUIRED,
                             dtype={"event": object, "club": object, "displayName": object, "playDirection": object},
                             **opts)

        def make(gid: int, pid: int, rows: pd.DataFrame) -> Play:
            key = f"{gid}:{pid}"
            prow = bdb.play_row(plays, gid, pid, src)
            meta = bdb.meta_from_tables(NAME, gid, pid, prow, games.get(gid), extra_columns=PLAY_EXTRA, week=week)
            is_ball = bdb.ball_mask(rows, "nflId", "club", "displayName")
            canon = bdb.canonical(rows, key=key, path=str(src), frame="frameId", nfl_id="nflId", is_ball=is_ball,
                                  team=rows["club"].to_numpy(object), name="displayName", jersey="jerseyNumber")
            trows = tackles.get((gid, pid), {})
            extra = {c: {n: bdb.flag(r.get(c)) for n, r in trows.items()} for c in TACKLE_EXTRA
                     if any(c in r for r in trows.values())}
            ctx = PlayContext(meta=meta, path=str(src), direction=bdb.first(rows, "playDirection"),
                              los_raw=bdb.absolute_los(prow), players=players, player_extra=extra)
            play = build_play(canon, ctx)
            bdb.flag_snap_before_data(play)
            set_target_from_description(play)
            return play

        yield from bdb.stream_plays(src, chunks, "gameId", "playId", make)


READER = Bdb2024Reader()
