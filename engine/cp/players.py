"""Who matters for a throw: the passer, the eligible receivers and the pass rushers of a `Play`."""

from __future__ import annotations

import numpy as np

from replay.play import ELIGIBLE_POSITIONS, OFFENSIVE_LINE, Play

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
    """Column of the passer: the offensive player nearest the ball over the half second before the release
    (or the end of the dropback), when the ball is in his hands; robust to a mislabelled role and to trick plays.
    Falls back to `Play.passer()`."""
    off = play.players_where(side="off")
    off = off[~np.isin(play.roster.position[off].astype(str), list(OFFENSIVE_LINE))]  # linemen never pass
    t_end = dropback_end(play)
    lo = max(t_end - 0.6, min(0.6, t_end - 0.1))
    m = (play.t >= lo) & (play.t <= t_end - 0.05)
    if len(off) and m.any() and len(play.ball_t) > 1:
        bx = np.interp(play.t[m], play.ball_t, play.ball_x)
        by = np.interp(play.t[m], play.ball_t, play.ball_y)
        b0x, b0y = np.interp(0.0, play.ball_t, play.ball_x), np.interp(0.0, play.ball_t, play.ball_y)
        if np.hypot(bx[-1] - b0x, by[-1] - b0y) < 2.0:  # the ball track never left the spot: not usable
            qbs = play.players_where(side="off", positions={"QB"})
            return int(qbs[0]) if len(qbs) else play.passer()
        d = np.hypot(play.x[m][:, off] - bx[:, None], play.y[m][:, off] - by[:, None])
        med = np.nanmedian(np.where(np.isnan(d), np.inf, d), axis=0)
        if np.isfinite(med).any() and med.min() < 1.5:  # the ball is in someone's hands...
            cand = int(off[int(np.argmin(med))])
            los = play.meta.los_x
            x_end = play.x[m][-1, cand]
            if los is None or not np.isfinite(x_end) or x_end < los - 2.0:  # ...and he dropped back
                return cand
    qbs = play.players_where(side="off", positions={"QB"})
    return int(qbs[0]) if len(qbs) else play.passer()


def eligible_receivers(play: Play, qb: int | None = None) -> np.ndarray:
    """Columns of offensive players with role route_runner or an eligible position, plus the real target (a
    lineman reported eligible, a defensive lineman at fullback), the passer excluded."""
    r = play.roster
    pos = r.position.astype(str)
    m = (r.side == "off") & ((r.role == "route_runner") | np.isin(pos, list(ELIGIBLE_POSITIONS)))
    if play.meta.target_nfl_id is not None:
        m |= (r.side == "off") & (r.nfl_id == int(play.meta.target_nfl_id))
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
