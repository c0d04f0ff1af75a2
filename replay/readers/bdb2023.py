"""Big Data Bowl 2023 (2021 weeks 1-8, dropbacks): `week{1..8}.csv` (or per game `tracking_[gameId].csv`) with
`team` = club abbreviation or "football" (some copies call it `club`), no `displayName` or `position`;
plays/games/players tables and `pffScoutingData.csv` (per player per play: `pff_role` and blocking/pressure
credits).

Quirks handled here: names and positions joined from players.csv (`officialPosition`); the no-event placeholder
is the literal "None" (read as text, dropped in event cleaning); both manual and `autoevent_*` events appear
(assembly prefers the manual one); roles from `pff_role` matched case-insensitively ("Pass Block" / "Pass
block"); the targeted receiver parsed from `playDescription`; tracking ends ~5 frames after the throw or sack.
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

NAME = "bdb2023"
COLUMNS = ["gameId", "playId", "nflId", "frameId", "time", "jerseyNumber", "team", "club", "playDirection",
           "x", "y", "s", "a", "dis", "o", "dir", "event"]
REQUIRED = ("gameId", "playId", "nflId", "frameId", "playDirection", "x", "y")
NUMERIC = ("x", "y", "s", "a", "dis", "o", "dir", "nflId", "jerseyNumber", "frameId")
PLAY_EXTRA = ("offenseFormation", "personnelO", "defendersInBox", "personnelD", "dropBackType", "pff_playAction",
              "pff_passCoverage", "pff_passCoverageType", "playResult", "prePenaltyPlayResult", "penaltyYards")
PFF_ROLES = {"pass": "passer", "pass rush": "pass_rusher", "pass block": "blocker", "pass route": "route_runner",
             "coverage": "coverage"}
PFF_EXTRA = ("pff_positionLinedUp", "pff_hit", "pff_hurry", "pff_sack", "pff_beatenByDefender", "pff_hitAllowed",
             "pff_hurryAllowed", "pff_sackAllowed", "pff_nflIdBlockedPlayer", "pff_blockType", "pff_backFieldBlock")



def pff_roles(pff_rows: dict[int, dict]) -> dict[int, str]:
    """nflId -> canonical role from `pff_role`, case-insensitively; unknown labels are left out."""
    out = {}
    for nid, rec in pff_rows.items():
        role = PFF_ROLES.get(" ".join(bdb.text(rec.get("pff_role")).lower().split()))
        if role:
            out[nid] = role
    return out


class Bdb2023Reader(Reader):
    """bdb2023 as a `Reader` (see the module docstring for its quirks)."""

    name = NAME

    def matches(self, columns: Sequence[str]) -> bool:
        cols = set(columns)
        return ({"gameId", "playId", "frameId", "playDirection"} <= cols and bool(cols & {"team", "club"})
                and not cols & {"displayName", "position", "frameType"})

    def read(self, src: Source, tables: Tables | None = None, **opts) -> Iterator[Play | PlayError]:
        tables = tables if tables is not None else Tables()
        plays = bdb.play_index(tables, "plays", src, required_for="know each play's offense, down and yard line")
        players = bdb.player_info(tables, src, required_for="know each player's name and position (the tracking "
                                                            "has neither)")
        games = bdb.game_index(tables, src)
        pff = bdb.player_play_index(tables, "pff")
        cols, _ = src.header()
        team_col = "team" if "team" in cols else "club"
        week = bdb.week_from_name(src.name)
        chunks = read_chunks(src, usecols=COLUMNS, numeric=NUMERIC, required=REQUIRED,
                             dtype={"event": object, team_col: object, "playDirection": object}, **opts)

        def make(gid: int, pid: int, rows: pd.DataFrame) -> Play:
            key = f"{gid}:{pid}"
            prow = bdb.play_row(plays, gid, pid, src)
            meta = bdb.meta_from_tables(NAME, gid, pid, prow, games.get(gid), extra_columns=PLAY_EXTRA, week=week)
            is_ball = bdb.ball_mask(rows, "nflId", team_col)
            nids = rows["nflId"]
            names = [players.get(int(n), {}).get("name", "") if n == n else "football" for n in nids.tolist()]
            canon = bdb.canonical(rows, key=key, path=str(src), frame="frameId", nfl_id="nflId", is_ball=is_ball,
                                  team=rows[team_col].to_numpy(object), jersey="jerseyNumber")
            canon["name"] = names
            prows = pff.get((gid, pid), {})
            extra = {c: {n: bdb.plain(r.get(c)) for n, r in prows.items()} for c in PFF_EXTRA
                     if any(c in r for r in prows.values())}
            ctx = PlayContext(meta=meta, path=str(src), direction=bdb.first(rows, "playDirection"),
                              los_raw=bdb.absolute_los(prow), players=players, roles=pff_roles(prows),
                              player_extra=extra)
            if not prows:
                ctx.flags["no_pff_roles"] = "pffScoutingData.csv has no rows for this play: roles inferred from tracks"
            play = build_play(canon, ctx)
            set_target_from_description(play)
            return play

        yield from bdb.stream_plays(src, chunks, "gameId", "playId", make)


READER = Bdb2023Reader()
