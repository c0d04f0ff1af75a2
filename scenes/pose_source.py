"""Where the figures' joint positions come from.

The renderer needs, for any play time `t`, every player's 29 joints `[P, 29, 3]` (float32 metres, world frame:
Z up, x downfield, `replay.field_frame`) and the ball `[3]`. Motion (`replay.motion.build_motion`) provides
that from pose data or synthesis. `StandingPoses` is the instant stand-in with the same interface: a standing
figure at each tracking point facing `o` (unit tests, and any caller that wants no motion synthesis).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from replay.events import ARRIVAL_EVENTS, RELEASE_EVENTS
from replay.field_frame import FIELD, YARD
from replay.play import Play
from replay.player_sizes import play_sizes

DEFAULT_HEIGHT_M = 1.88

# Joint names and parents of the standing stand-in (the layout of assets/skeleton.json).
JOINT_NAMES = (
    "mid_hip", "spine_mid", "neck", "head_top", "nose", "l_eye", "r_eye", "l_ear", "r_ear",
    "l_shoulder", "r_shoulder", "l_elbow", "r_elbow", "l_wrist", "r_wrist", "l_hand", "r_hand",
    "l_hip", "r_hip", "l_knee", "r_knee", "l_ankle", "r_ankle", "l_heel", "r_heel",
    "l_big_toe", "r_big_toe", "l_small_toe", "r_small_toe",
)
_PARENT_NAMES = {
    "spine_mid": "mid_hip", "neck": "spine_mid", "head_top": "neck", "nose": "neck", "l_eye": "neck",
    "r_eye": "neck", "l_ear": "neck", "r_ear": "neck", "l_shoulder": "neck", "r_shoulder": "neck",
    "l_elbow": "l_shoulder", "r_elbow": "r_shoulder", "l_wrist": "l_elbow", "r_wrist": "r_elbow",
    "l_hand": "l_wrist", "r_hand": "r_wrist", "l_hip": "mid_hip", "r_hip": "mid_hip", "l_knee": "l_hip",
    "r_knee": "r_hip", "l_ankle": "l_knee", "r_ankle": "r_knee", "l_heel": "l_ankle", "r_heel": "r_ankle",
    "l_big_toe": "l_ankle", "r_big_toe": "r_ankle", "l_small_toe": "l_ankle", "r_small_toe": "r_ankle",
}
PARENTS = np.array([JOINT_NAMES.index(_PARENT_NAMES[n]) if n in _PARENT_NAMES else -1 for n in JOINT_NAMES],
                   np.int32)

# A relaxed athletic stance as fractions of standing height: (forward, left, up) in the body frame.
_STANCE = {
    "mid_hip": (0.0, 0.0, 0.520), "spine_mid": (0.010, 0.0, 0.655), "neck": (0.020, 0.0, 0.815),
    "head_top": (0.025, 0.0, 0.995), "nose": (0.070, 0.0, 0.915), "l_eye": (0.060, 0.018, 0.935),
    "r_eye": (0.060, -0.018, 0.935), "l_ear": (0.020, 0.040, 0.925), "r_ear": (0.020, -0.040, 0.925),
    "l_shoulder": (0.015, 0.125, 0.800), "r_shoulder": (0.015, -0.125, 0.800),
    "l_elbow": (0.020, 0.150, 0.625), "r_elbow": (0.020, -0.150, 0.625),
    "l_wrist": (0.080, 0.140, 0.495), "r_wrist": (0.080, -0.140, 0.495),
    "l_hand": (0.105, 0.130, 0.470), "r_hand": (0.105, -0.130, 0.470),
    "l_hip": (0.0, 0.055, 0.520), "r_hip": (0.0, -0.055, 0.520),
    "l_knee": (0.030, 0.070, 0.285), "r_knee": (0.030, -0.070, 0.285),
    "l_ankle": (0.0, 0.075, 0.040), "r_ankle": (0.0, -0.075, 0.040),
    "l_heel": (-0.025, 0.075, 0.012), "r_heel": (-0.025, -0.075, 0.012),
    "l_big_toe": (0.080, 0.068, 0.005), "r_big_toe": (0.080, -0.068, 0.005),
    "l_small_toe": (0.070, 0.092, 0.005), "r_small_toe": (0.070, -0.092, 0.005),
}
STANCE = np.array([_STANCE[n] for n in JOINT_NAMES], np.float32)  # [29, 3]


class PoseSource(Protocol):
    """What the renderer reads every frame (the interface of Motion's `PlayMotion`)."""

    joint_names: tuple[str, ...] | list[str]
    parents: np.ndarray

    def joints_at(self, t: float) -> np.ndarray: ...  # float32 [P, 29, 3]

    def ball_at(self, t: float) -> np.ndarray: ...  # float32 [3]


def _interp_index(times: np.ndarray, t: float) -> tuple[int, int, float]:
    n = len(times)
    if n == 1 or t <= times[0]:
        return 0, 0, 0.0
    if t >= times[-1]:
        return n - 1, n - 1, 0.0
    j = int(np.searchsorted(times, t, side="right"))
    i = j - 1
    w = float((t - times[i]) / (times[j] - times[i]))
    return i, j, w


class StandingPoses:
    """Standing figures at the tracking points, facing `o`, scaled to each player's height; the ball from
    tracking with a simple height profile (on the ground before the snap, carried, a parabola in flight)."""

    joint_names = JOINT_NAMES
    parents = PARENTS

    def __init__(self, play: Play):
        self.play = play
        h = np.asarray(play_sizes(play)[0], np.float32)
        self.height = np.where(np.isfinite(h) & (h > 1.4), h, DEFAULT_HEIGHT_M).astype(np.float32)
        self._stance = STANCE[None, :, :] * self.height[:, None, None]  # [P, 29, 3]
        self._release = play.first_event(*RELEASE_EVENTS)
        self._arrival = play.first_event(*ARRIVAL_EVENTS)

    def joints_at(self, t: float) -> np.ndarray:
        p = self.play
        i, j, w = _interp_index(p.t, t)
        x = (1 - w) * p.x[i] + w * p.x[j]
        y = (1 - w) * p.y[i] + w * p.y[j]
        o0, o1 = np.radians(p.o[i]), np.radians(p.o[j])
        # circular interpolation of the facing angle
        d = np.arctan2(np.sin(o1 - o0), np.cos(o1 - o0))
        o = np.where(np.isfinite(d), o0 + w * d, o0)
        o = np.where(np.isfinite(o), o, 0.0)
        fwd = np.stack([np.sin(o), np.cos(o)], -1).astype(np.float32)  # NFL convention, in (x, y)
        left = np.stack([-fwd[:, 1], fwd[:, 0]], -1)
        s = self._stance
        out = np.empty_like(s)
        out[..., 0] = (x * YARD)[:, None] + s[..., 0] * fwd[:, None, 0] + s[..., 1] * left[:, None, 0]
        out[..., 1] = (y * YARD)[:, None] + s[..., 0] * fwd[:, None, 1] + s[..., 1] * left[:, None, 1]
        out[..., 2] = s[..., 2]
        return out  # NaN where tracking is missing: the renderer hides those players

    def ball_at(self, t: float) -> np.ndarray:
        p = self.play
        if len(p.ball_t) == 0:
            return np.full(3, np.nan, np.float32)
        i, j, w = _interp_index(p.ball_t, t)
        bx = (1 - w) * p.ball_x[i] + w * p.ball_x[j]
        by = (1 - w) * p.ball_y[i] + w * p.ball_y[j]
        z = 0.15 if t < 0 else 1.2
        if self._release and self._arrival:
            t0, t1 = float(p.t[self._release[1]]), float(p.t[self._arrival[1]])
            if t1 > t0 and t0 <= t <= t1:
                z0, z1 = 1.9, 1.2
                u = (t - t0) / (t1 - t0)
                z = z0 + (z1 - z0) * u + 0.5 * 9.81 * (t - t0) * (t1 - t)
        return FIELD.to_world(bx, by, z).astype(np.float32)


def pose_source_for(play: Play) -> PoseSource:
    """Motion's skeletons for `play` (`replay.motion.build_motion`)."""
    from replay.motion import build_motion
    return build_motion(play)


class SplicedPoses:
    """One pose source until `t_split`, another after it, the joints blended over `blend_s` seconds (eased from
    the first source's to the second's), so a play that changes at `t_split` (the trainee's throw)
    shows no jump where the second source was synthesised on its own."""

    def __init__(self, before: PoseSource, after: PoseSource, t_split: float, blend_s: float):
        self.before, self.after = before, after
        self.t_split, self.blend_s = float(t_split), max(float(blend_s), 1e-6)
        self.joint_names, self.parents = after.joint_names, after.parents

    def _weight(self, t: float) -> float:
        u = min(max((float(t) - self.t_split) / self.blend_s, 0.0), 1.0)
        return u * u * (3.0 - 2.0 * u)

    def _mix(self, a: np.ndarray, b: np.ndarray, w: float) -> np.ndarray:
        out = (1.0 - w) * a + w * b
        return np.where(np.isfinite(a), out, b).astype(np.float32)  # a player only the second source tracks

    def joints_at(self, t: float) -> np.ndarray:
        if t < self.t_split:
            return self.before.joints_at(t)
        w = self._weight(t)
        b = np.asarray(self.after.joints_at(t), np.float32)
        return b if w >= 1.0 else self._mix(np.asarray(self.before.joints_at(t), np.float32), b, w)

    def ball_at(self, t: float) -> np.ndarray:
        """The ball is the second source's from `t_split` (released there, it must not lag)."""
        return self.before.ball_at(t) if t < self.t_split else self.after.ball_at(t)
