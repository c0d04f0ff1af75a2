"""The ball in 3D: on the ground at the spot until the snap, in the holder's hand while carried, and on a
ballistic arc between hands (the snap, the pass from the passer's hand at the release to the catch, kicks).

`plan_ball` decides who holds the ball when, from the 2D ball track and the events (needed before the arms are
posed); `ball_positions` turns the plan plus the posed hands into the 3D path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .events import PASS_END_EVENTS
from .field_frame import YARD
from .play import Play
from .roles import HOLD_IN, HOLD_OUT, passer, release_time
from .timebase import sample_ball_track, sample_tracks, true_runs

G = 9.81
BALL_REST_Z = 0.11  # m, ball centre when it lies on the turf
MIN_FLIGHT_SPEED = 6.0  # yd/s: a loose ball slower than this rolls on the ground instead of flying


@dataclass
class BallPlan:
    """Who holds the ball at each internal time (-1: nobody, on the ground or in flight), and the pass."""

    times: np.ndarray  # [T] s from the snap
    holder: np.ndarray  # int [T]
    track_x: np.ndarray  # [T] yards, the tracked ball (2D)
    track_y: np.ndarray
    thrower: int | None = None
    t_release: float | None = None
    t_arrive: float | None = None
    snapped: bool = True


def plan_ball(play: Play, times: np.ndarray) -> BallPlan:
    """Holder per time: nearest player within HOLD_IN yd (kept until HOLD_OUT), nobody before the snap, the
    thrower forced up to the release and nobody in the air until the arrival."""
    times = np.asarray(times, np.float64)
    t = play.t.astype(np.float64)
    bx_f, by_f = sample_ball_track(play, t)
    tr = sample_tracks(play, t)
    d = np.hypot(tr.x - bx_f[:, None], tr.y - by_f[:, None])
    d = np.where(np.isfinite(d), d, np.inf)
    hold_f = np.full(len(t), -1, np.int64)
    cur = -1
    for f in range(len(t)):
        if not np.isfinite(bx_f[f]):
            cur = -1
        elif cur >= 0 and d[f, cur] <= HOLD_OUT:
            pass
        else:
            k = int(np.argmin(d[f]))
            cur = k if d[f, k] <= HOLD_IN else -1
        hold_f[f] = cur
    snapped = play.meta.play_type not in ("kickoff",)
    fi = np.clip(np.searchsorted(t, times + 1e-9, side="right") - 1, 0, len(t) - 1)
    holder = hold_f[fi]
    holder[times < 0] = -1  # before the snap (or the kick) the ball lies at the spot
    bx, by = sample_ball_track(play, times)

    t_rel = release_time(play)
    thrower = t_arr = None
    if t_rel is not None:
        thrower = passer(play)
        later = [float(play.t[i]) for i, e in play.events if e in PASS_END_EVENTS and play.t[i] > t_rel]
        t_arr = min(later) if later else None
        if thrower is not None:
            # the thrower holds from his last pick-up before the release (at least the final 0.6 s)
            pre = (times < t_rel) & (times >= 0)
            k = np.flatnonzero(pre & (holder != thrower))
            start = times[k[-1]] if len(k) else 0.0
            start = min(start, t_rel - 0.6)
            holder[(times >= max(start, 0.0)) & (times <= t_rel + 1e-6)] = thrower
        end = t_arr
        if end is None:  # no arrival event: in the air until someone holds it again
            k = np.flatnonzero((times > t_rel) & (holder >= 0) & (holder != (thrower if thrower is not None else -2)))
            end = times[k[0]] if len(k) else times[-1]
            t_arr = float(end)
        holder[(times > t_rel + 1e-6) & (times < end)] = -1
    return BallPlan(times=times, holder=holder, track_x=bx, track_y=by, thrower=thrower, t_release=t_rel,
                    t_arrive=t_arr, snapped=snapped)


def ball_positions(plan: BallPlan, hand: np.ndarray) -> np.ndarray:
    """3D ball [T, 3] (metres, world) from the plan and every player's ball hand [T, P, 3]."""
    T = len(plan.times)
    out = np.zeros((T, 3), np.float64)
    held = plan.holder >= 0
    idx = np.flatnonzero(held)
    out[idx] = hand[idx, plan.holder[idx]]
    tx = np.nan_to_num(plan.track_x * YARD, nan=0.0)
    ty = np.nan_to_num(plan.track_y * YARD, nan=0.0)
    ground = np.stack([tx, ty, np.full(T, BALL_REST_Z)], -1)
    for a, b in true_runs(~held):
        pre_snap = plan.times[a:b] < 0
        # before the snap: at the spot on the ground
        out[a:b][pre_snap] = ground[a:b][pre_snap]
        k0 = a + int(pre_snap.sum())
        if k0 >= b:
            continue
        # start: the hand that let go, else the spot; end: the hand that receives, else where the track ends
        p0 = hand[k0 - 1, plan.holder[k0 - 1]] if k0 > 0 and plan.holder[k0 - 1] >= 0 else ground[k0]
        if b < T:
            p1 = hand[b, plan.holder[b]]
        else:
            p1 = ground[b - 1]
        _fill_segment(out, ground, plan.times, k0, b, p0, p1, flying=_is_flight(plan, k0, b))
    return out.astype(np.float32)


def _is_flight(plan: BallPlan, a: int, b: int) -> bool:
    if plan.t_release is not None and a > 0 and abs(plan.times[a - 1] - plan.t_release) < 1e-6:
        return True
    dt = plan.times[min(b, len(plan.times) - 1)] - plan.times[a]
    if dt <= 0:
        return True
    dist = np.hypot(plan.track_x[min(b, len(plan.times) - 1)] - plan.track_x[a],
                    plan.track_y[min(b, len(plan.times) - 1)] - plan.track_y[a])
    return bool(np.isfinite(dist) and dist / dt >= MIN_FLIGHT_SPEED) or dt < 1.0


def _fill_segment(out: np.ndarray, ground: np.ndarray, times: np.ndarray, a: int, b: int, p0: np.ndarray,
                  p1: np.ndarray, *, flying: bool) -> None:
    """Ball from p0 (at times[a-1] or times[a]) to p1 (at times[b]): the tracked xy corrected to start and end
    at the hands, and a ballistic height (or rolling on the ground for a slow loose ball)."""
    T = len(times)
    ta = times[a - 1] if a > 0 else times[a]
    tb = times[b] if b < T else times[-1]
    dur = max(tb - ta, 1e-6)
    tt = times[a:b]
    u = np.clip((tt - ta) / dur, 0.0, 1.0)
    g0 = ground[a - 1] if a > 0 else ground[a]
    g1 = ground[b] if b < T else ground[-1]
    off0 = p0[:2] - g0[:2]
    off1 = p1[:2] - g1[:2]
    xy = ground[a:b, :2] + (1 - u)[:, None] * off0 + u[:, None] * off1
    tau = tt - ta
    if flying:
        z = p0[2] + (p1[2] - p0[2]) * u + 0.5 * G * tau * (dur - tau)
    else:
        # a loose ball: drops to the turf within 0.3 s, rests, and rises to the next hand in the last 0.3 s
        down = np.clip(tau / 0.3, 0, 1)
        up = np.clip((tb - tt) / 0.3, 0, 1)
        z = BALL_REST_Z + (p0[2] - BALL_REST_Z) * (1 - down) ** 2
        if b < T:
            z = np.where(up < 1, p1[2] + (z - p1[2]) * up, z)
    out[a:b, :2] = xy
    out[a:b, 2] = np.maximum(z, BALL_REST_Z)


# ------------------------------------------------------------------ a thrown ball (the trainee's)

# Air time by distance, measured on the 146 real throws of the shared NGS highlight plays (ball track from the
# release to the arrival event): t = 0.152 s + 0.0486 s/yd * distance, residual sd 0.24 s (median speed over the
# ground 19.0 yd/s); `tools/fit_continuation.py` re-measures it and records it in the continuation provenance.
AIR_TIME_S0 = 0.152
AIR_TIME_PER_YD = 0.0486


def air_time(distance_yd: np.ndarray | float) -> np.ndarray:
    """Seconds a real throw of `distance_yd` yards spends in the air."""
    return AIR_TIME_S0 + AIR_TIME_PER_YD * np.maximum(np.asarray(distance_yd, np.float64), 0.0)


def throw_path(p0: np.ndarray, p1: np.ndarray, t_release: float, t_arrive: float,
               times: np.ndarray | float) -> np.ndarray:
    """A ballistic throw `[T, 3]` (world metres) from hand point `p0` at `t_release` to catch point `p1` at
    `t_arrive`: straight over the ground at constant speed, height under gravity (no drag). Before the release it
    is at `p0`, after the arrival at `p1`."""
    times = np.atleast_1d(np.asarray(times, np.float64))
    p0, p1 = np.asarray(p0, np.float64), np.asarray(p1, np.float64)
    dur = max(float(t_arrive - t_release), 1e-6)
    tau = np.clip(times - t_release, 0.0, dur)
    u = tau / dur
    out = p0[None] + (p1 - p0)[None] * u[:, None]
    out[:, 2] += 0.5 * G * tau * (dur - tau)
    out[:, 2] = np.maximum(out[:, 2], BALL_REST_Z)
    return out
