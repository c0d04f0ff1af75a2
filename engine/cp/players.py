"""Who matters for a throw: the passer, the eligible receivers and the pass rushers of a `Play`."""

from __future__ import annotations

import numpy as np

from replay.play import ELIGIBLE_POSITIONS, Play

RELEASE_EVENTS = ("pass_forward", "pass_shovel")
END_EVENTS = ("pass_forward", "pass_shovel", "qb_sack", "qb_strip_sack", "run", "handoff", "fumble")


def release_time(play: Play) -> float | None:
    """Seconds from the snap of the real release (pass_forward / pass_shovel), or None."""
    ev = play.first_event(*RELEASE_EVENTS)
    return None if ev is None else float(play.t[ev[1]])


def dropback_end(play: Play) -> float:
    """End of the decision window: the release, else a sack/handoff/run, else the last frame."""
    ev = play.first_event(*END_EVENTS)
    return float(play.t[ev[1]]) if ev is not None and play.t[ev[1]] >= 0 else float(play.t[-1])


def passer(play: Play) -> int | None:
    """Column of the passer: the offensive player nearest the ball between the snap and the end of the
    dropback (robust to a mislabelled role), else `Play.passer()`."""
    off = play.players_where(side="off")
    t_end = dropback_end(play)
    m = (play.t >= 0.3) & (play.t <= max(t_end - 0.1, 0.3))
    if len(off) and m.any() and len(play.ball_t) > 1:
        bx = np.interp(play.t[m], play.ball_t, play.ball_x)
        by = np.interp(play.t[m], play.ball_t, play.ball_y)
        d = np.hypot(play.x[m][:, off] - bx[:, None], play.y[m][:, off] - by[:, None])
        med = np.nanmedian(np.where(np.isnan(d), np.inf, d), axis=0)
        if np.isfinite(med).any() and med.min() < 3.0:
            return int(off[int(np.argmin(med))])
    return play.passer()


def eligible_receivers(play: Play, qb: int | None = None) -> np.ndarray:
    """Columns of offensive players with role route_runner or an eligible position, the passer excluded."""
    r = play.roster
    pos = r.position.astype(str)
    m = (r.side == "off") & ((r.role == "route_runner") | np.isin(pos, list(ELIGIBLE_POSITIONS)))
    if qb is not None:
        m[qb] = False
    return np.flatnonzero(m)


def pass_rushers(play: Play) -> np.ndarray:
    """Columns of the pass rushers: role pass_rusher, else defenders who crossed the line of scrimmage between
    the snap and the end of the dropback."""
    idx = play.players_where(side="def", role="pass_rusher")
    if len(idx) or play.meta.los_x is None:
        return idx
    d = play.players_where(side="def")
    m = (play.t >= 0) & (play.t <= dropback_end(play))
    crossed = np.nanmin(np.where(np.isnan(play.x[m][:, d]), np.inf, play.x[m][:, d]), axis=0) < play.meta.los_x
    return d[crossed]


def defenders(play: Play) -> np.ndarray:
    return play.players_where(side="def")
