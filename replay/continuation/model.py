"""The continuation model: the 21 players other than the QB, moved on from their recorded state at `t0`.

Each player follows a learned plan: constant velocity from his state plus the ridge correction of his group
(rushers, receivers, coverage, blockers) predicted from his features (velocity, acceleration, where the QB and his
matched player are, the field marks), re-anchored every `replan_s` on the model's own state so the rush follows the
trainee's QB rather than the recorded one. On top of the plan:
- an engaged rusher (a blocker in his path within arm's length) is held for a shed time drawn from the log-normal
  fitted on the real plays; a free rusher steers part of his velocity at the QB at the measured closing speed;
  a rusher within arm's reach of the QB sacks him;
- after a throw the target runs to the catch point to arrive with the ball, the other receivers slow down, and the
  defenders near the catch point break on the ball after a human reaction time;
- every step respects the group's top speed and acceleration measured on the real plays.
The model steps on a 0.1 s grid (the tracking rate); `sample` interpolates between grid states.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import QbvrError
from ..matchups import ENGAGE_YD
from ..play import Play
from ..timebase import sample_tracks
from .dataset import acceleration, layout_of
from .features import COVERAGE, GROUPS, HISTORY_S, RECEIVER, RUSHER, feature_matrix, matches
from .params import ContinuationParams, default_params

QB_SETTLE_S = 0.5  # s: a QB holding the ball with no trainee input slows to a stop at this time constant


@dataclass
class Throw:
    """A ball in the air: thrown at `t` to column `target`, arriving at `catch_xy` (yd) at `t_arrive`."""

    t: float
    target: int
    catch_xy: np.ndarray
    t_arrive: float


class Continuation:
    """Tracks of every player but the QB from `t0` on; the QB is whatever `set_qb` says (default: he holds)."""

    def __init__(self, play: Play, t0: float, params: ContinuationParams | None = None, seed: int = 0):
        layout = layout_of(play)
        if layout is None:
            raise QbvrError(f"play {play.key} has no passer: the continuation model needs a QB to play against")
        self.play, self.layout = play, layout
        self.p = params if params is not None else default_params()
        self.seed = int(seed)
        self.rng = np.random.default_rng(seed)
        self.t0 = float(t0)
        dt = self.p.dt
        n_hist = int(round(HISTORY_S / dt))
        times = self.t0 + dt * np.arange(-n_hist, 1)
        tr = sample_tracks(play, times)
        P = play.n_players
        self._cap = n_hist + 1 + 600
        self._t = np.zeros(self._cap)
        self._pos = np.zeros((self._cap, P, 2))
        self._vel = np.zeros((self._cap, P, 2))
        self._n = n_hist + 1
        self._t[:self._n] = times
        self._pos[:self._n] = np.nan_to_num(np.stack([tr.x, tr.y], -1))
        self._vel[:self._n] = np.nan_to_num(np.stack([tr.vx, tr.vy], -1))
        self.qb = layout.qb
        self.qb_pos = self._pos[self._n - 1, self.qb].copy()
        self.qb_vel = self._vel[self._n - 1, self.qb].copy()
        self._qb_driven = False
        g = layout.group
        self._v_max = np.array([self.p.groups[GROUPS[k]].v_max if k >= 0 else 12.0 for k in g])
        self._a_max = np.array([self.p.groups[GROUPS[k]].a_max if k >= 0 else 12.0 for k in g])
        self._plan: np.ndarray | None = None
        self._anchor = 0
        self.throw_info: Throw | None = None
        self.sack_t: float | None = None
        self.sacked_by: int | None = None
        self._shed_at = self._draw_shed_times()

    # ------------------------------------------------------------------ public

    @property
    def t(self) -> float:
        """Time (s from the snap) of the latest model state."""
        return float(self._t[self._n - 1])

    def set_qb(self, xy: np.ndarray, vel: np.ndarray | None = None, *, now: bool = False) -> None:
        """Where the trainee's QB is now (yd) and how he moves (yd/s); the rush pursues him. `now`: the latest
        state is his too (a throw made now leaves from there)."""
        self.qb_pos = np.asarray(xy, np.float64)[:2].copy()
        self.qb_vel = np.zeros(2) if vel is None else np.asarray(vel, np.float64)[:2].copy()
        self._qb_driven = True
        if now:
            self._pos[self._n - 1, self.qb] = self.qb_pos
            self._vel[self._n - 1, self.qb] = self.qb_vel

    def advance(self, dt: float) -> None:
        """Move the model on by `dt` seconds (whole grid steps are taken until the grid reaches the new time)."""
        target = self.t + max(float(dt), 0.0)
        self.advance_to(target)

    def advance_to(self, t: float) -> None:
        """Step the grid until it reaches time `t` (or a sack ends the play)."""
        while self.t < t - 1e-9 and self.sack_t is None:
            self._step()

    def throw(self, target: int, catch_xy: np.ndarray, t_arrive: float) -> None:
        """The trainee threw now to column `target`; the ball reaches `catch_xy` at `t_arrive`."""
        self.throw_info = Throw(self.t, int(target), np.asarray(catch_xy, np.float64)[:2].copy(), float(t_arrive))

    def sample(self, t: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions and velocities `[..., P, 2]` at time(s) `t` between the start of the history and `self.t`
        (clamped), linear between grid states."""
        tt = np.clip(np.asarray(t, np.float64), self._t[0], self.t)
        n = self._n
        i = np.clip(np.searchsorted(self._t[:n], tt, side="right") - 1, 0, max(n - 2, 0))
        j = np.minimum(i + 1, n - 1)
        span = np.maximum(self._t[j] - self._t[i], 1e-9)
        w = np.clip((tt - self._t[i]) / span, 0.0, 1.0)[..., None, None]
        pos = self._pos[i] * (1 - w) + self._pos[j] * w
        vel = self._vel[i] * (1 - w) + self._vel[j] * w
        return pos, vel

    def history(self) -> tuple[np.ndarray, np.ndarray]:
        """Grid times `[T]` and positions `[T, P, 2]` from `t0` on (what a session records)."""
        k0 = int(round(HISTORY_S / self.p.dt))
        return self._t[k0:self._n].copy(), self._pos[k0:self._n].copy()

    # ------------------------------------------------------------------ the step

    def _draw_shed_times(self) -> np.ndarray:
        """Absolute time each rusher sheds his block: -inf when he is free at t0, else t0 plus a draw from the
        fitted log-normal."""
        P = self.play.n_players
        out = np.full(P, -np.inf)
        rush = self.layout.of(RUSHER)
        m = self._matches()
        pos = self._pos[self._n - 1]
        d = np.where(m[rush] >= 0, np.linalg.norm(pos[np.maximum(m[rush], 0)] - pos[rush], axis=1), np.inf)
        draw = np.exp(self.p.shed_log_mu + self.p.shed_log_sigma * self.rng.standard_normal(len(rush)))
        out[rush] = np.where(d <= ENGAGE_YD, self.t0 + draw, -np.inf)
        return out

    def _matches(self) -> np.ndarray:
        h0 = max(0, self._n - 1 - int(round(HISTORY_S / self.p.dt)))
        pos = self._pos[h0:self._n].copy()
        pos[:, self.qb] = self.qb_pos
        return matches(self.layout, pos, self._vel[h0:self._n])

    def _replan(self) -> None:
        """Learned plan `[K + 1, P, 2]` from the current state: constant velocity plus the group corrections."""
        n = self._n - 1
        pos, vel = self._pos[n], self._vel[n]
        acc = acceleration(self._vel[max(0, n - 3):n + 1])
        X = feature_matrix(self.layout, pos, vel, acc, self._matches(), self.qb_pos, self.qb_vel, self.t)
        K = self.p.horizon_steps
        k = np.arange(K + 1) * self.p.dt
        plan = pos[None] + vel[None] * k[:, None, None]
        for gi, name in enumerate(GROUPS):
            cols = self.layout.of(gi)
            if len(cols):
                plan[1:, cols] += np.transpose(self.p.groups[name].predict(X[cols]), (1, 0, 2))
        self._plan, self._anchor = plan, n

    def _step(self) -> None:
        dt = self.p.dt
        n = self._n - 1
        if self._plan is None or (n - self._anchor) * dt >= self.p.replan_s - 1e-9:
            self._replan()
        k = n - self._anchor + 1
        pos, vel = self._pos[n], self._vel[n]
        if k < len(self._plan):
            want = (self._plan[k] - self._plan[k - 1]) / dt
        else:
            want = vel.copy()
        self._rush(want, pos)
        if self.throw_info is not None:
            self._after_throw(want, pos, vel)
        new_v = self._limited(vel, want)
        self._advance_qb()
        self._push(pos + new_v * dt, new_v)
        self._check_sack()

    def _rush(self, want: np.ndarray, pos: np.ndarray) -> None:
        """Free rushers steer part of their velocity straight at the QB at the measured closing speed."""
        b = self.p.pursuit_blend
        if b <= 0 or self.throw_info is not None:
            return
        rush = self.layout.of(RUSHER)
        free = rush[self._shed_at[rush] <= self.t]
        if len(free) == 0:
            return
        to = self.qb_pos[None] - pos[free]
        u = to / np.maximum(np.linalg.norm(to, axis=1, keepdims=True), 1e-6)
        want[free] = (1 - b) * want[free] + b * self.p.pursuit_speed * u

    def _after_throw(self, want: np.ndarray, pos: np.ndarray, vel: np.ndarray) -> None:
        """The target runs to the catch point to arrive with the ball; the other receivers slow; defenders near
        the catch point break on the ball after the reaction time; rushers pull up."""
        th, t = self.throw_info, self.t
        g = self.layout.group
        rec = np.flatnonzero(g == RECEIVER)
        others = rec[rec != th.target]
        want[others] = vel[others] * max(0.0, 1.0 - self.p.dt / self.p.others_slow_s)
        if th.target >= 0:
            to = th.catch_xy - pos[th.target]
            left = th.t_arrive - t
            want[th.target] = to / left if left > self.p.dt else vel[th.target] * 0.7
        if t - th.t < self.p.reaction_s:
            return
        d = np.flatnonzero(g == COVERAGE)
        to = th.catch_xy[None] - pos[d]
        dist = np.linalg.norm(to, axis=1)
        near = dist < self.p.break_radius_yd
        want[d[near]] = to[near] / np.maximum(dist[near, None], 1e-6) * np.minimum(
            self.p.break_speed, dist[near, None] / self.p.dt)
        r = np.flatnonzero(g == RUSHER)
        want[r] = vel[r] * 0.8

    def _limited(self, vel: np.ndarray, want: np.ndarray) -> np.ndarray:
        """`want` within each player's acceleration and speed limits."""
        dv = want - vel
        n = np.linalg.norm(dv, axis=1)
        cap = self._a_max * self.p.dt
        dv *= np.minimum(1.0, cap / np.maximum(n, 1e-9))[:, None]
        v = vel + dv
        s = np.linalg.norm(v, axis=1)
        v *= np.minimum(1.0, self._v_max / np.maximum(s, 1e-9))[:, None]
        v[self.layout.group < 0] = 0.0
        return v

    def _advance_qb(self) -> None:
        if not self._qb_driven:
            self.qb_pos = self.qb_pos + self.qb_vel * self.p.dt
            self.qb_vel = self.qb_vel * np.exp(-self.p.dt / QB_SETTLE_S)

    def _push(self, pos: np.ndarray, vel: np.ndarray) -> None:
        if self._n >= self._cap:
            grow = self._cap
            self._t = np.concatenate([self._t, np.zeros(grow)])
            self._pos = np.concatenate([self._pos, np.zeros((grow, *pos.shape))])
            self._vel = np.concatenate([self._vel, np.zeros((grow, *vel.shape))])
            self._cap += grow
        n = self._n
        self._t[n] = self._t[n - 1] + self.p.dt
        self._pos[n] = pos
        self._pos[n, self.qb] = self.qb_pos
        self._vel[n] = vel
        self._vel[n, self.qb] = self.qb_vel
        self._n += 1

    def _check_sack(self) -> None:
        """Contact: a rusher within arm's reach of the QB before any throw ends the play as a sack."""
        if self.throw_info is not None or self.sack_t is not None:
            return
        rush = self.layout.of(RUSHER)
        if len(rush) == 0:
            return
        d = np.linalg.norm(self._pos[self._n - 1, rush] - self.qb_pos[None], axis=1)
        k = int(np.argmin(d))
        if d[k] <= self.p.arm_reach_yd:
            self.sack_t, self.sacked_by = self.t, int(rush[k])
