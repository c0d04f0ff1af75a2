"""The situation of one play, as a coach searches for it: the game state at the snap (down, distance, quarter,
clock, score, field position, teams), the offense's formation and the defense's shell at the snap, the rush
(rushers, blitz, time to pressure, pressure, sack), the quarterback's timing (time to throw) and the pass
(target position and depth, air yards, result). One flat row per play, the columns of the situational index.

Definitions (every time is seconds from the snap):
- rushers: `replay.roles.pass_rushers` on dropbacks (None on other plays); blitz: five or more.
- time to pressure: the first moment a rusher is within PRESSURE_YD (2 yd) of the passer before the ball is out
  (the release, a sack, a scramble), None when none gets there; pressure: it happened.
- formation from the tracks: under centre when the passer is within UNDER_CENTRE_YD of the ball at the snap;
  pistol when deeper with a back straight behind him; else shotgun.
- shell at the snap: defenders deeper than DEEP_YD past the line and inside the numbers across from the ball:
  none is 0 (zero high), two or more spread at least TWO_HIGH_SPLIT_YD apart across the field are 2 (two high),
  else 1 (one high).
- coverage: "man" or "zone" where the release labels it (BDB 2023 `pff_passCoverageType`, BDB 2025
  `pff_manZone`), else None.
- air yards: how far past the line of scrimmage the ball arrived (the first arrival or outcome event); target
  depth the same for the targeted receiver at the arrival.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .events import ARRIVAL_EVENTS, DROPBACK_END_EVENTS, SACK_EVENTS
from .field_frame import FIELD
from .play import Play
from .roles import pass_rushers, passer, play_kind, release_time

PRESSURE_YD = 2.0
UNDER_CENTRE_YD = 2.5
PISTOL_BACK_Y_YD = 1.5  # yd across from the passer a back straight behind him may be
DEEP_YD = 9.0
INSIDE_YD = 18.0  # yd across from the ball: deeper players wider than this are corners on the outside, not safeties
TWO_HIGH_SPLIT_YD = 10.0
BLITZ = 5
FORMATIONS = ("shotgun", "under_center", "pistol")
SHELLS = (0, 1, 2)
COVERAGES = ("man", "zone")
RESULTS = ("C", "I", "IN", "S", "R")
KINDS_FROM_LABEL = {"man": "man", "zone": "zone", "cover-0": "man", "cover-1": "man", "2-man": "man"}

# The index's columns, in order, with their Arrow types (replay.index writes them; tests check every one).
COLUMNS: dict[str, str] = {
    "key": "string", "game_id": "int64", "play_id": "int64", "season": "int64", "week": "int64",
    "season_type": "string", "offense": "string", "defense": "string", "quarter": "int64", "clock": "string",
    "clock_s": "int64", "down": "int64", "distance": "int64", "yardline": "float64", "score_diff": "int64",
    "play_type": "string", "kind": "string", "dropback": "bool", "formation": "string", "rushers": "int64",
    "blitz": "bool", "time_to_throw": "float64", "time_to_pressure": "float64", "pressure": "bool", "sack": "bool",
    "shell": "int64", "coverage": "string", "target_position": "string", "target_depth": "float64",
    "air_yards": "float64", "result": "string", "description": "string", "source_format": "string",
    "trick_play": "bool", "flags": "string",
}


def situation(play: Play) -> dict[str, Any]:
    """The play's index row (COLUMNS), computed from its metadata and tracks."""
    m = play.meta
    kind = play_kind(play)
    drop = kind == "dropback"
    scrimmage = kind != "special_teams"
    qb = passer(play)
    snap = play.event_frame("ball_snap")
    rush = _rush(play, qb) if drop and snap is not None else (None, None)
    n_rush = len(pass_rushers(play)) if drop and snap is not None else None
    target = _target(play)
    row = {
        "key": m.key, "game_id": m.game_id, "play_id": m.play_id, "season": m.season, "week": m.week,
        "season_type": m.season_type, "offense": m.offense_team, "defense": m.defense_team, "quarter": m.quarter,
        "clock": m.game_clock, "clock_s": _clock_s(m.game_clock), "down": m.down, "distance": m.distance,
        "yardline": None if m.los_x is None else round(float(m.los_x) - FIELD.end_zone, 1),
        "score_diff": m.score_diff, "play_type": m.play_type, "kind": kind, "dropback": drop,
        "formation": _formation(play, qb, snap) if snap is not None and scrimmage else None, "rushers": n_rush,
        "blitz": None if n_rush is None else n_rush >= BLITZ,
        "time_to_throw": _round(release_time(play)) if drop else None,
        "time_to_pressure": _round(rush[0]), "pressure": rush[1], "sack": _sack(play),
        "shell": _shell(play, snap) if snap is not None and m.los_x is not None and scrimmage else None,
        "coverage": _coverage(play), "target_position": target[0], "target_depth": _round(target[1]),
        "air_yards": _round(target[2]), "result": m.pass_result, "description": m.description,
        "source_format": m.source_format, "trick_play": kind == "trick", "flags": ",".join(sorted(play.flags)),
    }
    return row


def _round(v: float | None, nd: int = 1) -> float | None:
    return None if v is None or not np.isfinite(v) else round(float(v), nd)


def _clock_s(clock: str | None) -> int | None:
    """'12:20' -> 740 seconds left in the quarter; None when unreadable."""
    try:
        mm, ss = str(clock).split(":")[:2]
        return int(mm or 0) * 60 + int(float(ss))
    except (TypeError, ValueError):
        return None


def _rush(play: Play, qb: int | None) -> tuple[float | None, bool | None]:
    """(time to pressure, pressure) over the dropback: the first rusher within PRESSURE_YD of the passer."""
    rushers = pass_rushers(play)
    if qb is None:
        return None, None
    end_ev = play.first_event(*DROPBACK_END_EVENTS)
    end_t = release_time(play) or (float(play.t[end_ev[1]]) if end_ev else float(play.t[-1]))
    m = (play.t >= 0) & (play.t <= end_t + 1e-6)
    if not len(rushers) or not m.any():
        return None, False
    d = np.hypot(play.x[m][:, rushers] - play.x[m][:, [qb]], play.y[m][:, rushers] - play.y[m][:, [qb]])
    close = np.nanmin(np.where(np.isnan(d), np.inf, d), axis=1) <= PRESSURE_YD
    if not close.any():
        return None, False
    return float(play.t[m][int(np.argmax(close))]), True


def _sack(play: Play) -> bool:
    return (play.meta.play_type == "sack" or play.meta.pass_result == "S"
            or play.first_event(*SACK_EVENTS) is not None)


def _ball_at(play: Play, t: float) -> tuple[float, float]:
    ok = np.isfinite(play.ball_x) & np.isfinite(play.ball_y)
    if not ok.any():
        return float("nan"), float("nan")
    return float(np.interp(t, play.ball_t[ok], play.ball_x[ok])), float(np.interp(t, play.ball_t[ok], play.ball_y[ok]))


def _formation(play: Play, qb: int | None, snap: int) -> str | None:
    """shotgun / under_center / pistol from where the passer stands behind the ball at the snap."""
    if qb is None:
        return None
    bx = play.meta.los_x if play.meta.los_x is not None else _ball_at(play, float(play.t[snap]) - 0.1)[0]
    depth = bx - float(play.x[snap, qb])
    if not np.isfinite(depth):
        return None
    if depth <= UNDER_CENTRE_YD:
        return "under_center"
    backs = play.players_where(side="off", positions={"RB", "HB", "FB"})
    behind = (play.x[snap, backs] < play.x[snap, qb] - 0.5) & (np.abs(play.y[snap, backs] - play.y[snap, qb])
                                                              <= PISTOL_BACK_Y_YD)
    return "pistol" if behind.any() else "shotgun"


def _shell(play: Play, snap: int) -> int:
    """0, 1 or 2 deep safeties at the snap (the module docstring says how)."""
    d = play.players_where(side="def")
    _, by = _ball_at(play, float(play.t[snap]))
    by = by if np.isfinite(by) else FIELD.centre_y
    depth = play.x[snap, d] - float(play.meta.los_x)
    y = play.y[snap, d]
    with np.errstate(invalid="ignore"):
        deep = y[(depth >= DEEP_YD) & (np.abs(y - by) <= INSIDE_YD)]
    if len(deep) == 0:
        return 0
    return 2 if len(deep) >= 2 and float(deep.max() - deep.min()) >= TWO_HIGH_SPLIT_YD else 1


def _coverage(play: Play) -> str | None:
    e = play.meta.extra
    for k in ("pff_manZone", "pff_passCoverageType"):
        v = str(e.get(k) or "").strip().lower()
        if v in COVERAGES:
            return v
    return None


def _target(play: Play) -> tuple[str | None, float | None, float | None]:
    """(position of the targeted receiver, his depth past the line at the arrival, air yards)."""
    m = play.meta
    ev = play.first_event(*ARRIVAL_EVENTS)
    los = m.los_x
    pos, depth, air = None, None, None
    k = None
    if m.target_nfl_id is not None and np.any(play.roster.nfl_id == int(m.target_nfl_id)):
        k = play.roster.index_of(int(m.target_nfl_id))
        pos = str(play.roster.position[k]) or None
    if ev is not None and los is not None and release_time(play) is not None:
        t = float(play.t[ev[1]])
        bx, _ = _ball_at(play, t)
        air = bx - los if np.isfinite(bx) else None
        if k is not None:
            depth = float(play.x[ev[1], k]) - los
            air = depth if air is None else air
    return pos, depth, air
