"""Arrival projection with ghosting: where and when a throw released at time t to receiver r would arrive,
and how close the nearest defender could get by then.

The same code serves the real throw and every hypothetical one, and uses only the rule below (no knowledge of
where the real ball went):
- release point: the passer's position at t;
- ball flight time from the distance and a release speed (projectile without drag at the launch angle that
  carries the distance; median NFL release speed 24.7 yd/s, Big Data Bowl 2023 tracking); the catch point is where the
  receiver is on his recorded path when the ball gets there (a fixed point, solved by iteration);
- defenders follow their recorded paths until a reaction time after the release, then close on the catch point
  with their speed toward it at that moment, accelerating at most A_MAX up to V_MAX ("ghosting");
- separation = distance from the catch point to the nearest ghosted defender, plus the measured mean bias of
  ghosting (GHOST_BIAS_YD).
Everything is vectorised over instants x receivers x defenders.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from replay.play import FPS, Play

RELEASE_SPEED = 24.7  # yd/s, median ball release speed (Big Data Bowl 2023 tracking, first 0.5 s after pass_forward)
GRAVITY = 10.725  # yd/s^2
# Closing limits, chosen on the shared highlight pass plays by comparing the ghosted separation of the real throw
# with the real separation when the ball arrived (grid over reaction 0.3-0.9 s, top speed 8-9 yd/s, acceleration
# 4-7 yd/s^2): longer reactions and a closing speed below sprint speed track the real values best (r ~0.92);
# ghosting still leaves less separation than real (defenders are assumed to know the catch point): regressing
# the real separation at arrival on the ghosted one over those throws gives slope 0.97 and intercept 0.47 yd,
# so the projected separation adds GHOST_BIAS_YD to estimate what would really be measured at the catch.
REACTION_S = 0.6  # s, defenders keep their recorded path this long after the release
GHOST_BIAS_YD = 0.47  # yd, mean real-minus-ghosted separation of real throws (see above)
V_MAX = 8.0  # yd/s, defender closing speed limit
A_MAX = 5.0  # yd/s^2, defender acceleration limit
FLIGHT_ITERATIONS = 3
RELEASE_HEIGHT = 2.0  # yd (1.83 m): ball height at the release and at the catch
REACH_HEIGHT = 3.0  # yd (2.74 m): highest ball a defender plays in stride (standing reach ~2.4 m plus a jump)
LANE_FRACS = np.array([0.5, 0.625, 0.75, 0.875])  # fractions of the flight checked for an undercut
LANE_FRACS_ALL = np.append(LANE_FRACS, 1.0)
_CATCH_ONLY = np.array([1.0])


def flight_time(distance: np.ndarray, speed: float = RELEASE_SPEED) -> np.ndarray:
    """Seconds for a ball released at `speed` to carry `distance` yd (launch angle from the range equation,
    45 degrees beyond the maximum range)."""
    d = np.maximum(np.asarray(distance, np.float64), 0.0)
    s2 = np.clip(GRAVITY * d / (speed * speed), 0.0, 1.0)
    cos_theta = np.cos(0.5 * np.arcsin(s2))
    return d / (speed * cos_theta)


_LUT_D = np.linspace(0.0, 130.0, 1041)  # 0.125 yd steps
_LUT_T = flight_time(_LUT_D)


def _flight(distance: np.ndarray, speed: float) -> np.ndarray:
    """`flight_time` through a table for the default speed (one numpy call in the hot path)."""
    if speed == RELEASE_SPEED:
        return np.interp(distance, _LUT_D, _LUT_T, right=None) if distance.size else distance
    return flight_time(distance, speed)


class Tracks:
    """Players' positions (complex x + iy, so one gather moves both) and speeds at the play's frames with gaps
    bridged, sampled at any time by linear interpolation (held before the first and after the last frame)."""

    def __init__(self, play: Play):
        self.t0 = float(play.t[0])
        self.n = play.n_frames
        self.z = _fill(play.x.astype(np.float64)) + 1j * _fill(play.y.astype(np.float64))
        self.s = _fill(play.s.astype(np.float64))
        self.t = play.t.astype(np.float64)
        self._uniform = bool(np.allclose(np.diff(self.t), 1.0 / FPS, atol=1e-3)) if self.n > 1 else True

    def index(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Frame index below each time and the weight of the frame after it."""
        t = np.asarray(t, np.float64)
        if self._uniform:
            fi = np.minimum(np.maximum((t - self.t0) * FPS, 0.0), self.n - 1.0)
        else:
            fi = np.interp(t, self.t, np.arange(self.n, dtype=np.float64))
        i0 = np.minimum(fi.astype(np.intp), max(self.n - 2, 0))
        return i0, fi - i0

    def at(self, t: np.ndarray, cols: np.ndarray | int, arr: np.ndarray | None = None) -> np.ndarray:
        """Positions (or `arr` values) of players `cols` at times `t`; t and cols broadcast together."""
        return self.at_index(self.index(t), cols, arr)

    def at_index(self, iw: tuple[np.ndarray, np.ndarray], cols: np.ndarray | int,
                 arr: np.ndarray | None = None) -> np.ndarray:
        """`at` for times already turned into frame indices by `index` (reused across players)."""
        a = self.z if arr is None else arr
        i0, w = iw
        if self.n == 1:
            return a[i0, cols] + 0 * w
        lo = a[i0, cols]
        return lo + (a[i0 + 1, cols] - lo) * w

    def at_with_velocity(self, t: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions at times `t` and the velocity (yd/s, complex) of the frame interval they fall in."""
        i0, w = self.index(t)
        lo = self.z[i0, cols]
        if self.n == 1:
            return lo + 0 * w, 0 * lo
        step = self.z[i0 + 1, cols] - lo
        return lo + step * w, step * FPS


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

    release: np.ndarray  # complex [T], x + iy of the passer at the release
    catch: np.ndarray  # complex [T, R], x + iy of the catch point
    flight_s: np.ndarray
    separation: np.ndarray  # yd to the nearest ghosted defender (inf when there are no defenders)
    lane: np.ndarray  # yd from the nearest ghosted defender to the ball's playable path before the catch (inf: none)


def project(tracks: Tracks, t: np.ndarray, qb: int, receivers: np.ndarray, defenders: np.ndarray, *,
            speed: float = RELEASE_SPEED, reaction_s: float = REACTION_S, v_max: float = V_MAX,
            a_max: float = A_MAX, lane: bool = True, index: tuple[np.ndarray, np.ndarray] | None = None) -> Arrival:
    """Project throws released at times `t` [T] by column `qb` to every column in `receivers` [R]
    (`index`: `tracks.index(t)` when the caller already has it)."""
    t = np.atleast_1d(np.asarray(t, np.float64))
    iw = index if index is not None else tracks.index(t)
    q = tracks.at_index(iw, qb)[:, None]  # [T, 1]
    tt = t[:, None]
    rc = receivers[None, :]
    c = tracks.at_index((iw[0][:, None], iw[1][:, None]), rc)
    for _ in range(FLIGHT_ITERATIONS):
        flight = _flight(np.abs(c - q), speed)
        c = tracks.at(tt + flight, rc)  # [T, R] catch points
    flight = _flight(np.abs(c - q), speed)
    if len(defenders) == 0:
        return Arrival(q[:, 0], c, flight, np.full(c.shape, np.inf), np.full(c.shape, np.inf))
    # Points the defenders race the ball to: the catch point and, where the ball is low enough to be played,
    # points of its path over the receiver's end of the flight (a defender who gets there first undercuts it).
    fr, ok = _lane_points(np.abs(c - q), lane)  # [K], [T, R, K]
    pts = q[..., None] + (c - q)[..., None] * fr  # [T, R, K]
    t_ball = flight[..., None] * fr  # when the ball is there
    react = np.minimum(t_ball, reaction_s)  # defenders keep their recorded path this long
    dc = defenders[None, None, None, :]
    d, v = tracks.at_with_velocity((tt[..., None] + react)[..., None], dc)  # [T, R, K, D]
    e = pts[..., None] - d
    dist = np.abs(e)
    # speed toward the point (0 for a defender already on it)
    u0 = np.minimum((v.real * e.real + v.imag * e.imag) / np.maximum(dist, 1e-6), v_max)
    dt = (t_ball - react)[..., None]  # closing time
    t_acc = np.minimum((v_max - u0) / a_max, dt)  # accelerating part, then top speed
    covered = u0 * t_acc + 0.5 * a_max * t_acc * t_acc + v_max * (dt - t_acc)
    gap = np.fmin.reduce(np.maximum(dist - np.maximum(covered, 0.0), 0.0), axis=-1)  # [T, R, K]; NaN ignored
    sep = gap[..., -1]
    sep = np.where(np.isnan(sep), np.inf, sep + GHOST_BIAS_YD)
    if len(fr) > 1:
        lane_gap = np.fmin.reduce(np.where(ok, gap[..., :-1], np.nan), axis=-1)
        lane_gap = np.where(np.isnan(lane_gap), np.inf, lane_gap + GHOST_BIAS_YD)
    else:
        lane_gap = np.full(sep.shape, np.inf)
    return Arrival(q[:, 0], c, flight, sep, lane_gap)


def ball_height(distance: np.ndarray, frac: np.ndarray, speed: float = RELEASE_SPEED) -> np.ndarray:
    """Ball height (yd above the ground) at fractions `frac` [K] of a throw of `distance` [...] yd: release and
    catch at RELEASE_HEIGHT, launch angle from the range equation, no drag. Returns [..., K]."""
    d = np.maximum(np.asarray(distance, np.float64), 0.0)[..., None]
    s2 = np.clip(GRAVITY * d / (speed * speed), 0.0, 1.0)
    tan_theta = np.tan(0.5 * np.arcsin(s2))
    x = d * frac
    return RELEASE_HEIGHT + x * tan_theta * (1.0 - frac)  # h0 + x tan - g x^2 / (2 v^2 cos^2) with range d


def _lane_points(distance: np.ndarray, lane: bool) -> tuple[np.ndarray, np.ndarray]:
    if not lane:
        return _CATCH_ONLY, np.ones(distance.shape + (0,), bool)
    return LANE_FRACS_ALL, ball_height(distance, LANE_FRACS) <= REACH_HEIGHT
