"""Scoring a rep: when it ends (a throw, the real pressure arriving, the end of the recording) and how good the
decision was against the completion-probability model, next to what the real quarterback did.

Rep end rules: the trainee throws -> "throw"; he still holds the ball when the real play's pressure arrives (a
sack event, or a defender reaching the real QB's spot, within `REACH_YD`) -> "sack"; a play without such
pressure ends as "no throw" at the end of its recording.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from replay.events import SACK_EVENTS
from replay.play import Play
from replay.roles import release_time

REACH_YD = 1.0
PRESSURE_FROM_S = 0.3  # contact right at the snap is the line, not pressure


@dataclass
class RepClock:
    """The times that bound a rep (seconds from the snap)."""

    start: float
    end: float  # the end of the recording
    pressure_t: float | None
    pressure_how: str

    @property
    def stop(self) -> float:
        """When a rep without a throw stops: the pressure, else the end of the recording."""
        return self.pressure_t if self.pressure_t is not None else self.end


def pressure_time(play: Play, qb: int | None) -> tuple[float | None, str]:
    """When the real play's pressure reaches the quarterback: a sack event, else the first instant after the
    snap a defender is within REACH_YD of him (positions interpolated at 100 Hz between tracking frames)."""
    sack = play.first_event(*SACK_EVENTS)
    best: tuple[float, str] | None = None
    if sack is not None and play.t[sack[1]] >= 0:
        best = (float(play.t[sack[1]]), sack[0])
    if qb is not None:
        defs = play.players_where(side="def")
        m = play.t >= PRESSURE_FROM_S - 0.1
        if len(defs) and m.sum() >= 2:
            t = play.t[m]
            tf = np.arange(max(t[0], PRESSURE_FROM_S), t[-1] + 1e-9, 0.01)
            qx = np.interp(tf, t, play.x[m, qb])
            qy = np.interp(tf, t, play.y[m, qb])
            d = np.full((len(tf), len(defs)), np.inf)
            for k, c in enumerate(defs):
                x, y = play.x[m, c], play.y[m, c]
                ok = np.isfinite(x) & np.isfinite(y)
                if ok.sum() >= 2:
                    dk = np.hypot(np.interp(tf, t[ok], x[ok]) - qx, np.interp(tf, t[ok], y[ok]) - qy)
                    d[:, k] = np.where(np.isfinite(dk), dk, np.inf)
            close = np.flatnonzero(d.min(axis=1) <= REACH_YD)
            if len(close):
                tc = float(round(tf[close[0]], 4))
                if best is None or tc < best[0]:
                    best = (tc, "rusher_reached_qb")
    return (None, "none") if best is None else best


def rep_clock(play: Play, qb: int | None, lead_s: float = 3.0) -> RepClock:
    """Start `lead_s` before the snap (or the first frame), end at the last frame; the real pressure time."""
    start = max(float(play.t[0]), -float(lead_s))
    pt, how = pressure_time(play, qb)
    return RepClock(start, float(play.t[-1]), pt, how)


def real_qb(play: Play, cp_fn: Callable[[Play, float], dict[int, float]]) -> dict[str, Any]:
    """What the real quarterback did: release time, target and the model's CP of that throw."""
    t = release_time(play)
    sack = play.first_event(*SACK_EVENTS)
    target = play.meta.target_nfl_id
    cp = None
    if t is not None and target is not None:
        cps = cp_fn(play, t)
        cp = cps.get(int(target))
    return {"release_t": t, "target": target, "cp": None if cp is None else round(float(cp), 4),
            "sacked": sack is not None and t is None, "pass_result": play.meta.pass_result}


def score_rep(play: Play, *, outcome: str, throw_t: float | None, chosen: int | None,
              cp_fn: Callable[[Play, float], dict[int, float]] | None = None) -> dict[str, Any]:
    """Decision time (snap to throw), chosen receiver, CP of the choice at that instant, the best available CP
    and who, decision quality (chosen minus best), and the real QB's time, target and CP."""
    if cp_fn is None:
        from engine.cp import cp_at as cp_fn
    out: dict[str, Any] = {"outcome": outcome, "sacked": outcome == "sack", "decision_t": None, "chosen": chosen,
                           "cp_chosen": None, "best": None, "cp_best": None, "quality": None, "cp_all": {}}
    if outcome == "throw" and throw_t is not None and chosen is not None:
        cps = cp_fn(play, float(throw_t))
        best = max(cps.items(), key=lambda kv: kv[1]) if cps else (None, math.nan)
        c = cps.get(int(chosen))
        out.update(decision_t=round(float(throw_t), 4), cp_chosen=None if c is None else round(float(c), 4),
                   best=None if best[0] is None else int(best[0]), cp_best=round(float(best[1]), 4),
                   quality=None if c is None else round(float(c) - float(best[1]), 4),
                   cp_all={str(k): round(float(v), 4) for k, v in cps.items()})
    out["real"] = real_qb(play, cp_fn)
    return out
