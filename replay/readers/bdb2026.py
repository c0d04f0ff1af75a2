"""Big Data Bowl 2026 (2023 weeks 1-18, ball in the air): `input_2023_wNN.csv` (every player before the throw)
joined with `output_2023_wNN.csv` (x/y of the `player_to_predict` players while the ball is in the air), plus
`supplementary_data.csv` for the play context when present. snake_case throughout.

Quirks handled here: output frames restart at 1 and are renumbered to `last_input_frame + k`; the output has only
x/y and only the players to predict (the others' tracks end at the throw: that is the design, not attrition);
there are no ball rows, no events and no time: `pass_forward` is the last input frame, the snap is inferred from
the offense's first movement (flagged), and the ball is synthesised from the passer at the last input frame to
(`ball_land_x`, `ball_land_y`) over `num_frames_output` frames; `player_role` gives roles and the target;
`absolute_yardline_number` is checked against the teams' positions before it is used as the raw LOS.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
import pandas as pd

from ..assemble import PlayContext, build_play
from ..errors import InputError, PlayError
from ..play import Play
from ..sources import Source, read_chunks
from ..units import height_m, weight_kg
from . import bdb
from .base import Reader
from .tables import Tables

NAME = "bdb2026"
COLUMNS = ["game_id", "play_id", "player_to_predict", "nfl_id", "frame_id", "play_direction",
           "absolute_yardline_number", "player_name", "player_height", "player_weight", "player_position",
           "player_side", "player_role", "x", "y", "s", "a", "o", "dir", "num_frames_output", "ball_land_x",
           "ball_land_y"]
REQUIRED = ("game_id", "play_id", "nfl_id", "frame_id", "play_direction", "player_side", "x", "y",
            "num_frames_output", "ball_land_x", "ball_land_y")
NUMERIC = ("nfl_id", "frame_id", "absolute_yardline_number", "player_weight", "x", "y", "s", "a", "o", "dir",
           "num_frames_output", "ball_land_x", "ball_land_y")
OUTPUT_COLUMNS = ("game_id", "play_id", "nfl_id", "frame_id", "x", "y")
ROLES = {"passer": "passer", "targeted receiver": "route_runner", "other route runner": "route_runner",
         "defensive coverage": "coverage"}
SIDES = {"offense": "off", "defense": "def"}
PLAY_EXTRA = ("route_of_targeted_receiver", "team_coverage_man_zone", "team_coverage_type", "dropback_type",
              "dropback_distance", "play_action", "pass_length", "pass_location_type", "offense_formation",
              "receiver_alignment", "defenders_in_the_box", "yards_gained", "expected_points_added",
              "play_nullified_by_penalty")



def is_output(columns: list[str]) -> bool:
    """The header of an `output_2023_wNN.csv` (a companion of the input file of the same week)."""
    cols = set(columns)
    return set(OUTPUT_COLUMNS) <= cols and "player_to_predict" not in cols


def output_source(src: Source) -> Source | None:
    """`output_2023_wNN.csv` beside `input_2023_wNN.csv` (same folder, or same folder of the same zip)."""
    name = src.name
    if "input" not in name:
        return None
    out_name = name.replace("input", "output", 1)
    if src.member:
        member = str(Path(src.member).with_name(out_name)) if "/" in src.member else out_name
        with zipfile.ZipFile(src.path) as z:
            names = set(z.namelist())
        return Source(src.path, member) if member in names else None
    p = src.path.with_name(out_name)
    return Source(p) if p.exists() else None


def _read_output(src: Source | None, **opts) -> dict[tuple[int, int], pd.DataFrame]:
    if src is None:
        return {}
    opts = {k: v for k, v in opts.items() if k == "chunk_rows"}
    parts = list(read_chunks(src, usecols=list(OUTPUT_COLUMNS), numeric=OUTPUT_COLUMNS, required=OUTPUT_COLUMNS,
                             **opts))
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(OUTPUT_COLUMNS))
    bad = df[["game_id", "play_id", "nfl_id", "frame_id"]].isna().any(axis=1)
    if bad.any():
        k = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(src, "row without game_id, play_id, nfl_id or frame_id", line=int(df["_line"].iloc[k]),
                         expected="ids on every row")
    return {(int(g), int(p)): part for (g, p), part in df.groupby(["game_id", "play_id"], sort=False)}


def _verified_los(value: float | None, x0: np.ndarray, side: np.ndarray, flags: dict[str, str]) -> float | None:
    """`absolute_yardline_number` is documented ambiguously: use it as raw x only when it lies between the
    offense and the defense at the first frame; flipped when 120 - value does; else not at all."""
    if value is None:
        return None
    ox, dx = np.nanmean(x0[side == "off"]), np.nanmean(x0[side == "def"])
    lo, hi = min(ox, dx), max(ox, dx)
    if lo <= value <= hi:
        return value
    if lo <= 120.0 - value <= hi:
        flags["los_flipped"] = "absolute_yardline_number is measured from the other end zone here (flipped)"
        return 120.0 - value
    flags["los_unverified"] = (f"absolute_yardline_number {value:g} is not between the offense and the defense "
                               "at the first frame: not used")
    return None


def _ball_track(rows: pd.DataFrame, roles: pd.Series, last: int, key: str, path: str
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Raw (frame, x, y) from the passer at the last input frame to the landing spot, linear in time."""
    at_last = rows[(rows["frame_id"] == last).to_numpy() & (roles == "passer").to_numpy()]
    if at_last.empty:
        raise PlayError(key, path, "no passer (player_role 'Passer') at the last input frame: the ball's "
                        "release point is unknown")
    n = bdb.integer(bdb.first(rows, "num_frames_output")) or 0
    lx, ly = bdb.number(bdb.first(rows, "ball_land_x")), bdb.number(bdb.first(rows, "ball_land_y"))
    if lx is None or ly is None or n <= 0:
        raise PlayError(key, path, "ball_land_x/ball_land_y/num_frames_output missing: the ball flight cannot be "
                        "synthesised")
    x0, y0 = float(at_last["x"].iloc[0]), float(at_last["y"].iloc[0])
    k = np.arange(n + 1)
    w = k / n
    return (last + k).astype(np.int64), (x0 + (lx - x0) * w).astype(np.float32), (y0 + (ly - y0) * w).astype(np.float32)


@dataclass
class _Players:
    """What the input rows say about each player (their first row): identity, role, side, to-predict flag."""

    info: dict[int, dict]
    roles: dict[int, str]
    targets: list[int]
    predict: dict[int, float | None]
    side_of: dict[int, str]

    @classmethod
    def of(cls, rows: pd.DataFrame, role_txt: pd.Series) -> "_Players":
        firsts = rows.drop_duplicates("nfl_id")
        ids, roles_first = firsts["nfl_id"], role_txt[firsts.index]
        info = {int(r.nfl_id): {"name": bdb.text(r.player_name), "position": bdb.text(r.player_position).upper(),
                                "height_m": height_m(r.player_height), "weight_kg": weight_kg(r.player_weight)}
                for r in firsts.itertuples() if r.nfl_id == r.nfl_id}
        return cls(info=info,
                   roles={int(n): ROLES[t] for n, t in zip(ids, roles_first) if t in ROLES and n == n},
                   targets=[int(n) for n, t in zip(ids, roles_first) if t == "targeted receiver"],
                   predict={int(n): bdb.flag(v) for n, v in zip(ids, firsts.get("player_to_predict", []))},
                   side_of={int(n): SIDES.get(bdb.text(s).lower(), "") for n, s in zip(ids, firsts["player_side"])})


def _with_output(inp: pd.DataFrame, out: pd.DataFrame | None, last: int, who: _Players, out_src: Source | None,
                 flags: dict[str, str]) -> pd.DataFrame:
    """The input rows followed by the output file's rows of the play (renumbered after the last input frame)."""
    if out is None or not len(out):
        flags["no_output"] = (f"no rows in {out_src.name if out_src else 'an output file'} for this play: only "
                              "the frames before the throw")
        return inp
    o = pd.DataFrame({"frame_id": out["frame_id"].to_numpy(np.int64) + last,
                      "nfl_id": out["nfl_id"].to_numpy(np.float64), "is_ball": False,
                      "x": out["x"].to_numpy(np.float64), "y": out["y"].to_numpy(np.float64)})
    for c in ("s", "a", "o", "dir"):
        o[c] = np.nan
    o["event"] = ""
    o["name"] = [who.info.get(int(n), {}).get("name", "") for n in o["nfl_id"]]
    o["position"] = [who.info.get(int(n), {}).get("position", "") for n in o["nfl_id"]]
    o["jersey"] = ""
    o["side"] = [who.side_of.get(int(n), "") for n in o["nfl_id"]]
    unknown = set(o["nfl_id"].astype(int)) - set(who.side_of)
    if unknown:
        flags["output_unknown_players"] = f"output rows for {len(unknown)} players absent from the input"
    return pd.concat([inp, o[inp.columns.drop("team")]], ignore_index=True)


class Bdb2026Reader(Reader):
    """bdb2026 as a `Reader` (see the module docstring for its quirks)."""

    name = NAME

    def matches(self, columns: Sequence[str]) -> bool:
        return {"game_id", "play_id", "nfl_id", "frame_id", "player_to_predict", "ball_land_x"} <= set(columns)

    def read(self, src: Source, tables: Tables | None = None, **opts) -> Iterator[Play | PlayError]:
        tables = tables if tables is not None else Tables()
        supp = bdb.play_index(tables, "supplementary", src, game="game_id", play="play_id")
        out_src = output_source(src)
        outputs = _read_output(out_src, **opts)
        week = bdb.week_from_name(src.name)
        chunks = read_chunks(src, usecols=COLUMNS, numeric=NUMERIC, required=REQUIRED,
                             dtype={"play_direction": object, "player_name": object, "player_height": object,
                                    "player_position": object, "player_side": object, "player_role": object,
                                    "player_to_predict": object}, **opts)

        def make(gid: int, pid: int, rows: pd.DataFrame) -> Play:
            key = f"{gid}:{pid}"
            if rows["frame_id"].isna().any():
                raise PlayError(key, src, "input row without frame_id")
            last = int(rows["frame_id"].max())
            role_txt = rows["player_role"].astype(str).str.strip().str.lower() if "player_role" in rows else \
                pd.Series("", index=rows.index)
            ball = _ball_track(rows, role_txt.map(ROLES).fillna(""), last, key, str(src))
            who = _Players.of(rows, role_txt)
            srow = supp.get((gid, pid))
            meta = bdb.meta_from_tables(
                NAME, gid, pid, srow, srow, extra_columns=PLAY_EXTRA, week=week,
                extra={"ball_land_x": float(ball[1][-1]), "ball_land_y": float(ball[2][-1]),
                       "num_frames_output": int(len(ball[0]) - 1)},
                play_type="pass",  # every play of this release is a completed throw
                target_nfl_id=who.targets[0] if len(who.targets) == 1 else None)
            inp = bdb.canonical(rows, key=key, path=str(src), frame="frame_id", nfl_id="nfl_id",
                                is_ball=np.zeros(len(rows), bool), name="player_name", position="player_position",
                                event=None)
            inp["side"] = [who.side_of.get(int(n), "") for n in rows["nfl_id"].tolist()]
            inp.loc[inp["frame_id"] == last, "event"] = "pass_forward"
            flags: dict[str, str] = {}
            canon = _with_output(inp, outputs.get((gid, pid)), last, who, out_src, flags)
            team_of = {"off": meta.offense_team or "", "def": meta.defense_team or ""}
            canon["team"] = [team_of.get(s, "") for s in canon["side"]]
            x0 = canon[canon["frame_id"] == int(canon["frame_id"].min())]
            los = _verified_los(bdb.number(bdb.first(rows, "absolute_yardline_number")), x0["x"].to_numpy(),
                                x0["side"].to_numpy(), flags)
            flags["ball_synthesised"] = ("no ball rows in this release: ball flown in a straight line from the "
                                         "passer at the release to ball_land_x/y")
            ctx = PlayContext(meta=meta, path=str(src), direction=bdb.first(rows, "play_direction"), los_raw=los,
                              players=who.info, roles=who.roles, player_extra={"player_to_predict": who.predict},
                              ball_track=ball, flags=flags)
            return build_play(canon, ctx)

        yield from bdb.stream_plays(src, chunks, "game_id", "play_id", make)


READER = Bdb2026Reader()
