"""Arrival projection with ghosting: where and when a throw released at time t to receiver r would arrive,
and how close the nearest defender could get by then.

The same code serves the real throw and every hypothetical one, and uses only the rule below (no knowledge of
where the real ball went):
- release point: the passer's position at t;
- ball flight time from the distance and a release speed (projectile without drag at the launch angle that
  carries the distance; median NFL release speed 24.7 yd/s, research-notes §1); the catch point is where the
  receiver is on his recorded path when the ball gets there (a fixed point, solved by iteration);
- defenders follow their recorded paths until a reaction time after the release, then close on the catch point
  with their speed toward it at that moment, accelerating at most A_MAX up to V_MAX ("ghosting");
- separation = distance from the catch point to the nearest ghosted defender.
Everything is vectorised over instants x receivers x defenders.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from replay.play import FPS, Play

RELEASE_SPEED = 24.7  # yd/s, median ball release speed (BDB 2023, research-notes §1)
GRAVITY = 10.725  # yd/s^2
REACTION_S = 0.3  # s, defenders keep their recorded path this long after the release
V_MAX = 9.5  # yd/s, defender top speed when closing
A_MAX = 7.0  # yd/s^2, defender acceleration limit
FLIGHT_ITERATIONS = 4


def flight_time(distance: np.ndarray, speed: float = RELEASE_SPEED) -> np.ndarray:
    """Seconds for a ball released at `speed` to carry `distance` yd (launch angle from the range equation,
    45 degrees beyond the maximum range)."""
    d = np.maximum(np.asarray(distance, np.float64), 0.0)
    s2 = np.clip(GRAVITY * d / (speed * speed), 0.0, 1.0)
    cos_theta = np.cos(0.5 * np.arcsin(s2))
    return d / (speed * cos_theta)


class Tracks:
    """Players' x, y at the play's 10 Hz frames with gaps bridged, sampled at any time by linear interpolation
    (held constant before the first and after the last frame)."""

    def __init__(self, play: Play):
        self.t0 = float(play.t[0])
        self.n = play.n_frames
        self.x = _fill(play.x.astype(np.float64))
        self.y = _fill(play.y.astype(np.float64))
        self.s = _fill(play.s.astype(np.float64))
        # frames may not be exactly 0.1 s apart after a gap; map time -> fractional frame index
        self.t = play.t.astype(np.float64)
        self._uniform = bool(np.allclose(np.diff(self.t), 1.0 / FPS, atol=1e-3)) if self.n > 1 else True

    def index(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        t = np.asarray(t, np.float64)
        if self._uniform:
            fi = (t - self.t0) * FPS
        else:
            fi = np.interp(t, self.t, np.arange(self.n, dtype=np.float64))
        fi = np.clip(fi, 0.0, self.n - 1.0)
        i0 = np.minimum(fi.astype(np.int64), max(self.n - 2, 0))
        return i0, fi - i0

    def at(self, t: np.ndarray, cols: np.ndarray, arr: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
        """x, y (or `arr`) of players `cols` at times `t`; `t` broadcasts against cols along the last axis."""
        i0, w = self.index(t)
        i1 = np.minimum(i0 + 1, self.n - 1)
        if arr is not None:
            return (arr[i0, cols] * (1 - w) + arr[i1, cols] * w,)
        x = self.x[i0, cols] * (1 - w) + self.x[i1, cols] * w
        y = self.y[i0, cols] * (1 - w) + self.y[i1, cols] * w
        return x, y


def _fill(a: np.ndarray) -> np.ndarray:
    """Bridge NaN gaps per column: linear inside, nearest value at the ends; all-NaN columns stay NaN."""
    bad = np.isnan(a)
    if not bad.any():
        return a
    out = a.copy()
    idx = np.arange(a.shape[0])
    for j in np.flatnonzero(bad.any(axis=0)):
        ok = ~bad[:, j]
        if ok.any():
            out[:, j] = np.interp(idx, idx[ok], a[ok, j])
    return out


@dataclass
class Arrival:
    """Projected arrival of a throw at each instant to each receiver: arrays [T, R]."""

    release_x: np.ndarray  # [T]
    release_y: np.ndarray
    catch_x: np.ndarray  # [T, R]
    catch_y: np.ndarray
    flight_s: np.ndarray
    separation: np.ndarray  # yd to the nearest ghosted defender (inf when there are no defenders)


def project(tracks: Tracks, t: np.ndarray, qb: int, receivers: np.ndarray, defenders: np.ndarray, *,
            speed: float = RELEASE_SPEED, reaction_s: float = REACTION_S, v_max: float = V_MAX,
            a_max: float = A_MAX) -> Arrival:
    """Project throws released at times `t` [T] by column `qb` to every column in `receivers` [R]."""
    t = np.atleast_1d(np.asarray(t, np.float64))
    qx, qy = tracks.at(t, qb)
    tt = t[:, None]
    rx, ry = tracks.at(np.broadcast_to(tt, (len(t), len(receivers))), receivers[None, :])
    flight = flight_time(np.hypot(rx - qx[:, None], ry - qy[:, None]), speed)
    for _ in range(FLIGHT_ITERATIONS):
        cx, cy = tracks.at(tt + flight, receivers[None, :])
        flight = flight_time(np.hypot(cx - qx[:, None], cy - qy[:, None]), speed)
    cx, cy = tracks.at(tt + flight, receivers[None, :])
    if len(defenders) == 0:
        sep = np.full(cx.shape, np.inf)
        return Arrival(qx, qy, cx, cy, flight, sep)
    # defenders at the end of their reaction time (or at arrival, if the ball is there sooner)
    react = np.minimum(flight, reaction_s)[..., None]  # [T, R, 1]
    t_r = tt[..., None] + react
    dcols = defenders[None, None, :]
    dx, dy = tracks.at(t_r, dcols)  # [T, R, D]
    px, py = tracks.at(t_r - 1.0 / FPS, dcols)
    vx, vy = (dx - px) * FPS, (dy - py) * FPS
    ex, ey = cx[..., None] - dx, cy[..., None] - dy
    dist = np.hypot(ex, ey)
    with np.errstate(invalid="ignore", divide="ignore"):
        u0 = np.where(dist > 1e-6, (vx * ex + vy * ey) / dist, 0.0)
    u0 = np.minimum(u0, v_max)
    dt = (flight[..., None] - react)  # closing time
    t_acc = (v_max - u0) / a_max
    covered = np.where(dt <= t_acc, u0 * dt + 0.5 * a_max * dt * dt,
                       u0 * t_acc + 0.5 * a_max * t_acc * t_acc + v_max * (dt - t_acc))
    gap = np.maximum(dist - np.maximum(covered, 0.0), 0.0)
    gap = np.where(np.isnan(gap), np.inf, gap)
    return Arrival(qx, qy, cx, cy, flight, gap.min(axis=-1))
