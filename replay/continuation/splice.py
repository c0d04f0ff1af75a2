"""A continued play: the recording up to the departure, the continuation model's tracks after it, as one `Play`,
so everything downstream (skeleton synthesis, the ball's flight, cameras, CP) treats the model's play exactly
as a recorded one - no seam at the hand-off.

The events after the departure are the model's: the real release, arrival and outcome are dropped; the trainee's
throw becomes `pass_forward` at his release and `pass_arrived` at the arrival, a sack `qb_sack`. The ball stays
in the QB's hand until the throw, then flies straight (over the ground) to the catch point.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..play import Play, PlayMeta
from .model import Continuation

MOVING_YD_S = 1.5  # yd/s: a player faces where he runs above this speed, else keeps his last facing


def continued_play(play: Play, cont: Continuation, *, t_min: float | None = None) -> Play:
    """The recorded frames of `play` from `t_min` (default: all) up to the model's start, then the model's grid
    states up to its latest time. The model must have been started on `play` (or on a continued play of it)."""
    t0 = cont.t0
    gt, gpos = cont.history()
    _, gvel = cont.sample(gt)
    bt, bx, by = _ball(play, cont, t0, gt, gpos)
    events = _model_events(cont, gt)
    flag = f"continuation model from {t0:.2f} s (seed {cont.seed})"
    return spliced_play(play, t0, gt, gpos, gvel.reshape(len(gt), play.n_players, 2), (bt, bx, by), events,
                        _meta(play.meta, cont), flag, dt=cont.p.dt, t_min=t_min)


def spliced_play(play: Play, t0: float, gt: np.ndarray, gpos: np.ndarray, gvel: np.ndarray,
                 ball: tuple[np.ndarray, np.ndarray, np.ndarray], events: list[tuple[float, str]], meta: PlayMeta,
                 flag: str, *, dt: float, t_min: float | None = None) -> Play:
    """The recorded frames of `play` (from `t_min`) before `t0`, then the tracks `gpos` [T, P, 2] (yd) with
    velocities `gvel` [T, P, 2] (yd/s) at times `gt`, as one Play: facing follows the motion above MOVING_YD_S,
    `ball` (times, x, y) is the whole ball track, `events` (time, name) the events from `t0` on."""
    keep = (play.t < t0 - 1e-6) & ((play.t >= t_min - 1e-9) if t_min is not None else True)
    idx = np.flatnonzero(keep)
    speed = np.hypot(gvel[..., 0], gvel[..., 1])
    heading = np.degrees(np.arctan2(gvel[..., 0], gvel[..., 1])) % 360.0
    o = _hold_facing(np.where(speed > MOVING_YD_S, heading, np.nan), _last_facing(play, t0))
    acc = np.vstack([np.zeros((1, play.n_players)), np.diff(speed, axis=0) / dt])
    cat = {
        "x": np.vstack([play.x[idx], gpos[..., 0]]), "y": np.vstack([play.y[idx], gpos[..., 1]]),
        "s": np.vstack([play.s[idx], speed]), "a": np.vstack([play.a[idx], acc]),
        "o": np.vstack([play.o[idx], o]), "dir": np.vstack([play.dir[idx], heading]),
    }
    t = np.concatenate([play.t[idx].astype(np.float64), gt])
    frame_id = np.arange(1, len(t) + 1, dtype=np.int32)
    ev = [(int(np.searchsorted(idx, i)), e) for i, e in play.events if keep[i]]
    ev += [(len(idx) + int(np.clip(np.searchsorted(gt, te - 1e-6), 0, len(gt) - 1)), e) for te, e in events]
    flags = dict(play.flags)
    flags["continued"] = flag
    bt, bx, by = ball
    out = Play(meta=meta, roster=play.roster, frame_id=frame_id, t=t,
               **{k: v.astype(np.float32) for k, v in cat.items()},
               ball_t=np.asarray(bt, np.float64), ball_x=np.asarray(bx, np.float32),
               ball_y=np.asarray(by, np.float32), events=sorted(ev), flags=flags)
    out.validate()
    return out


def _last_facing(play: Play, t0: float) -> np.ndarray:
    i = max(0, min(play.frame_at(t0), play.n_frames - 1))
    o = play.o[i].astype(np.float64)
    return np.where(np.isfinite(o), o, play.dir[i])


def _hold_facing(o: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Fill the NaN (slow) steps with the facing before them."""
    out = o.copy()
    prev = last.copy()
    for k in range(len(out)):
        row = out[k]
        row[~np.isfinite(row)] = prev[~np.isfinite(row)]
        prev = row
    return out


def _ball(play: Play, cont: Continuation, t0: float, gt: np.ndarray, gpos: np.ndarray) -> tuple[np.ndarray, ...]:
    """Ball samples: the recorded ones before the departure, then the model's (`held_then_thrown`)."""
    m = play.ball_t < t0 - 1e-6
    th = cont.throw_info
    bx, by = held_then_thrown(gt, gpos[:, cont.qb], None if th is None else (th.t, th.t_arrive, th.catch_xy))
    return (np.concatenate([play.ball_t[m].astype(np.float64), gt]), np.concatenate([play.ball_x[m], bx]),
            np.concatenate([play.ball_y[m], by]))


def held_then_thrown(gt: np.ndarray, qb_xy: np.ndarray,
                     throw: tuple[float, float, np.ndarray] | None) -> tuple[np.ndarray, np.ndarray]:
    """The ball (x, y yd) at times `gt`: in the QB's hand (his track `qb_xy` [T, 2]) until the throw
    (release t, arrival t, catch point), straight to the catch point over the flight, resting there after."""
    bx, by = qb_xy[:, 0].astype(np.float64), qb_xy[:, 1].astype(np.float64)
    if throw is not None:
        t, t_arrive, catch = throw
        u = np.clip((gt - t) / max(t_arrive - t, 1e-6), 0.0, 1.0)
        after = gt >= t
        q0 = qb_xy[int(np.argmin(np.abs(gt - t)))]
        bx[after] = q0[0] + (catch[0] - q0[0]) * u[after]
        by[after] = q0[1] + (catch[1] - q0[1]) * u[after]
    return bx, by


def _model_events(cont: Continuation, gt: np.ndarray) -> list[tuple[float, str]]:
    th = cont.throw_info
    ev = []
    if th is not None:
        ev.append((th.t, "pass_forward"))
        if th.t_arrive <= gt[-1] + 1e-6:
            ev.append((th.t_arrive, "pass_arrived"))
    if cont.sack_t is not None:
        ev.append((cont.sack_t, "qb_sack"))
    return ev


def _meta(meta: PlayMeta, cont: Continuation) -> PlayMeta:
    th = cont.throw_info
    target = None if th is None else int(cont.play.roster.nfl_id[th.target])
    extra = dict(meta.extra)
    extra["continued_from_t"] = round(cont.t0, 4)
    return replace(meta, pass_result="S" if cont.sack_t is not None else None, target_nfl_id=target, extra=extra)
