"""Time base: sampling a play's 10 Hz tracks at any times, and the clock -> play time mapping (`Timeline`).

Positions are interpolated by cubic Hermite segments whose end tangents are the recorded velocities
(s along dir), so paths are C1-continuous and pass exactly through every tracking sample; angles are
interpolated along the shortest arc. Everything is vectorised over all players at once.
"""

from __future__ import annotations

import math
import time as _time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .errors import QbvrError
from .play import Play


@dataclass
class TrackSample:
    """Tracks sampled at `t` [T]; arrays [T, P], normalised field frame: yards, yd/s, degrees (NFL convention)."""

    t: np.ndarray
    x: np.ndarray
    y: np.ndarray
    vx: np.ndarray
    vy: np.ndarray
    ax: np.ndarray
    ay: np.ndarray
    o: np.ndarray  # facing (shoulder orientation)
    dir: np.ndarray  # direction of motion as recorded (shortest-arc interpolated)

    @property
    def s(self) -> np.ndarray:
        return np.hypot(self.vx, self.vy)


def fill_nan_columns(t: np.ndarray, a: np.ndarray, default: float | np.ndarray = 0.0) -> np.ndarray:
    """Fill NaNs of each column of `a` [F, P] by linear interpolation in time (held at the ends);
    columns with no finite value get `default` (scalar or per-column)."""
    a = np.asarray(a, np.float64)
    out = a.copy()
    bad = ~np.isfinite(a)
    if not bad.any():
        return out
    dflt = np.broadcast_to(np.asarray(default, np.float64), (a.shape[1],))
    for p in np.flatnonzero(bad.any(axis=0)):
        ok = ~bad[:, p]
        out[:, p] = np.interp(t, t[ok], a[ok, p]) if ok.any() else dflt[p]
    return out


def true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index pairs of the True runs of a 1D mask (frames a player holds the ball, gaps...)."""
    m = np.diff(np.concatenate([[0], np.asarray(mask).astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(m == 1).tolist(), np.flatnonzero(m == -1).tolist()))


def unwrap_deg(a: np.ndarray) -> np.ndarray:
    """Unwrap degrees along axis 0 so consecutive samples differ by the shortest arc."""
    return np.degrees(np.unwrap(np.radians(a), axis=0))


def _velocity(t: np.ndarray, x: np.ndarray, y: np.ndarray, s: np.ndarray, d: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """Tangents for the Hermite segments: the recorded velocity (s along dir) where it exists and agrees with
    the displacement, else the central difference of positions."""
    if len(t) < 2:
        return np.zeros_like(x), np.zeros_like(y)
    fx = np.gradient(x, t, axis=0)
    fy = np.gradient(y, t, axis=0)
    rad = np.radians(d)
    rx, ry = s * np.sin(rad), s * np.cos(rad)
    ok = np.isfinite(rx) & np.isfinite(ry)
    # a recorded velocity far from the displacement (dropped tag, sign error) would make the curve loop
    dev = np.hypot(np.where(ok, rx, 0) - fx, np.where(ok, ry, 0) - fy)
    ok &= dev <= np.maximum(2.0, 0.5 * np.hypot(fx, fy))
    return np.where(ok, rx, fx), np.where(ok, ry, fy)


def hermite(t: np.ndarray, p: np.ndarray, v: np.ndarray, times: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cubic Hermite through samples `p` [F, ...] with tangents `v` at sorted knots `t` [F], evaluated at
    `times` [T] (clamped to the knot range). Returns position, first and second derivative, [T, ...]."""
    times = np.clip(np.asarray(times, np.float64), t[0], t[-1])
    if len(t) == 1:
        z = np.zeros((len(times),) + p.shape[1:])
        return p[:1] + z, z.copy(), z.copy()
    i = np.clip(np.searchsorted(t, times, side="right") - 1, 0, len(t) - 2)
    h = (t[i + 1] - t[i])
    u = (times - t[i]) / h
    shape = (len(times),) + (1,) * (p.ndim - 1)
    u = u.reshape(shape)
    h = h.reshape(shape)
    p0, p1, m0, m1 = p[i], p[i + 1], v[i] * h, v[i + 1] * h
    u2, u3 = u * u, u * u * u
    pos = (2 * u3 - 3 * u2 + 1) * p0 + (u3 - 2 * u2 + u) * m0 + (-2 * u3 + 3 * u2) * p1 + (u3 - u2) * m1
    vel = ((6 * u2 - 6 * u) * p0 + (3 * u2 - 4 * u + 1) * m0 + (-6 * u2 + 6 * u) * p1 + (3 * u2 - 2 * u) * m1) / h
    acc = ((12 * u - 6) * p0 + (6 * u - 4) * m0 + (-12 * u + 6) * p1 + (6 * u - 2) * m1) / (h * h)
    return pos, vel, acc


def _default_facing(play: Play) -> np.ndarray:
    return np.where(play.roster.side == "def", 270.0, 90.0)


def sample_tracks(play: Play, times: np.ndarray | float) -> TrackSample:
    """Every player's position, velocity, acceleration, facing and direction at `times` (s from the snap).

    Positions are C1 (Hermite with the recorded s/dir as tangents), NaN gaps are bridged linearly first,
    angles follow the shortest arc; times outside the play are clamped to its first/last frame.
    """
    times = np.atleast_1d(np.asarray(times, np.float64))
    t = play.t.astype(np.float64)
    x = fill_nan_columns(t, play.x, 0.0)
    y = fill_nan_columns(t, play.y, 0.0)
    s = play.s.astype(np.float64)
    d = play.dir.astype(np.float64)
    vx, vy = _velocity(t, x, y, s, d)
    pos, vel, acc = hermite(t, np.stack([x, y], -1), np.stack([vx, vy], -1), times)
    o = _angles(t, play.o, times, fallback=play.dir, default=_default_facing(play))
    dr = _angles(t, play.dir, times, fallback=None, default=_default_facing(play))
    return TrackSample(t=times, x=pos[..., 0], y=pos[..., 1], vx=vel[..., 0], vy=vel[..., 1],
                       ax=acc[..., 0], ay=acc[..., 1], o=o, dir=dr)


def _angles(t: np.ndarray, a: np.ndarray, times: np.ndarray, *, fallback: np.ndarray | None,
            default: np.ndarray) -> np.ndarray:
    a = np.asarray(a, np.float64)
    if fallback is not None:
        a = np.where(np.isfinite(a), a, np.asarray(fallback, np.float64))
    # interpolate on the unit circle so NaN bridging also takes the shortest arc
    c = fill_nan_columns(t, np.cos(np.radians(a)), np.cos(np.radians(default)))
    sn = fill_nan_columns(t, np.sin(np.radians(a)), np.sin(np.radians(default)))
    u = unwrap_deg(np.degrees(np.arctan2(sn, c)))
    tc = np.clip(times, t[0], t[-1])
    i = np.clip(np.searchsorted(t, tc, side="right") - 1, 0, max(len(t) - 2, 0))
    if len(t) == 1:
        return np.repeat(u % 360.0, len(times), axis=0)
    w = ((tc - t[i]) / (t[i + 1] - t[i]))[:, None]
    return ((1 - w) * u[i] + w * u[i + 1]) % 360.0


def sample_ball_track(play: Play, times: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """The tracked (2D) ball at `times`, at its own sample rate: C1 (Catmull-Rom tangents), yards."""
    times = np.atleast_1d(np.asarray(times, np.float64))
    bt = play.ball_t.astype(np.float64)
    ok = np.isfinite(play.ball_x) & np.isfinite(play.ball_y)
    if ok.sum() == 0:
        return np.full(len(times), np.nan), np.full(len(times), np.nan)
    bt, bx, by = bt[ok], play.ball_x[ok].astype(np.float64), play.ball_y[ok].astype(np.float64)
    p = np.stack([bx, by], -1)
    v = np.gradient(p, bt, axis=0) if len(bt) > 1 else np.zeros_like(p)
    pos, _, _ = hermite(bt, p, v, times)
    return pos[:, 0], pos[:, 1]


def heading_vector(deg: np.ndarray) -> np.ndarray:
    """NFL-convention degrees (0 = +y, clockwise) -> unit vector (x, y) [..., 2]."""
    r = np.radians(deg)
    return np.stack([np.sin(r), np.cos(r)], -1)


class Timeline:
    """Maps clock time (s, monotonic) to play time (s from the snap): speed factor, pause, seek and loop.

    `now()` is cheap and may be called every frame. Event times come from the play (`events`, first occurrence
    of each name) so callers can seek to 'ball_snap' or 'pass_forward'. The clock is injectable for tests
    and fixed-step rendering.
    """

    def __init__(self, start: float, end: float, *, events: dict[str, float] | None = None, speed: float = 1.0,
                 loop: bool = False, clock: Callable[[], float] = _time.monotonic):
        if not end >= start:
            raise ValueError(f"timeline end {end} is before start {start}")
        self.start, self.end = float(start), float(end)
        self.events = dict(events or {})
        self.loop = bool(loop)
        self._clock = clock
        self._speed = 0.0
        self.set_speed(speed)
        self._paused = False
        self._anchor_clock = clock()
        self._anchor_play = self.start

    @classmethod
    def for_play(cls, play: Play, *, start: float | str | None = None, end: float | str | None = None,
                 **kw) -> "Timeline":
        """A timeline over the play (default: its first to last frame); start/end may be event names."""
        ev: dict[str, float] = {}
        for tt, name in play.event_times():
            ev.setdefault(name, tt)
        tl = cls(float(play.t[0]), float(play.t[-1]), events=ev, **kw)
        s = tl.resolve(start) if start is not None else tl.start
        e = tl.resolve(end) if end is not None else tl.end
        if e < s:
            raise QbvrError(f"play {play.key}: --to ({e:.2f} s) is before --from ({s:.2f} s)")
        tl.start, tl.end = s, e
        tl.seek(s)
        return tl

    def resolve(self, when: float | str) -> float:
        """Play time of an event name or a number of seconds (numeric strings accepted)."""
        if isinstance(when, str):
            if when in self.events:
                return self.events[when]
            try:
                t = float(when)
            except ValueError:
                known = ", ".join(sorted(self.events)) or "none"
                raise QbvrError(f"unknown event {when!r} (this play has: {known})") from None
        else:
            t = float(when)
        if not math.isfinite(t):
            raise QbvrError(f"time {when!r} is not a finite number of seconds from the snap (or an event name)")
        return t

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def paused(self) -> bool:
        return self._paused

    def set_speed(self, factor: float) -> None:
        """Change the speed factor (e.g. 0.5 = half speed) without a jump in play time."""
        if not np.isfinite(factor) or factor < 0:
            raise ValueError(f"speed factor must be >= 0, got {factor}")
        if hasattr(self, "_anchor_clock"):
            self._rebase()
        self._speed = float(factor)

    def pause(self) -> None:
        if not self._paused:
            self._rebase()
            self._paused = True

    def resume(self) -> None:
        if self._paused:
            self._anchor_clock = self._clock()
            self._paused = False

    def toggle_pause(self) -> None:
        self.resume() if self._paused else self.pause()

    def seek(self, when: float | str) -> None:
        """Jump to a play time or an event; clamped to [start, end]."""
        self._anchor_play = float(np.clip(self.resolve(when), self.start, self.end))
        self._anchor_clock = self._clock()

    def step(self, dt_play: float) -> None:
        """Move by `dt_play` seconds of play time (frame stepping while paused)."""
        self.seek(self.now() + dt_play)

    def now(self) -> float:
        """Current play time."""
        if self._paused:
            return self._wrap(self._anchor_play)
        return self._wrap(self._anchor_play + (self._clock() - self._anchor_clock) * self._speed)

    def finished(self) -> bool:
        return not self.loop and self.now() >= self.end

    def _wrap(self, tp: float) -> float:
        if self.loop and self.duration > 0:
            return self.start + (tp - self.start) % self.duration
        return min(max(tp, self.start), self.end)

    def _rebase(self) -> None:
        self._anchor_play = self.now()
        self._anchor_clock = self._clock()
