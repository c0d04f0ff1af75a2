"""Throwing with the arm: the controller's motion is the throw.

The trainee holds the trigger (or the grip) while he winds up, moves his hand forward and lets go: the ball leaves
at the release. The release velocity is the hand's average velocity over the last `VELOCITY_WINDOW_S` before the
release, measured from the controller's positions at the frames' predicted display times (in the rig frame, so the
real QB's drift in the play does not add to it). A release slower than `THROW_SPEED_MPS` (horizontally) or moving
backwards is a pump fake: the ball stays in his hand. The ball goes to the eligible receiver closest in heading to
the release direction within `CONE_DEG`; when none is, to the one the controller's aim ray points at.

Speeds: a real quarterback's hand leaves at roughly 15-20 m/s; in a headset, without a ball's weight and with a
controller strapped to the hand, trainees throw far softer, so the threshold only tells a throw from a hand that
drifted while the button was held.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from .bindings import THROW_THRESHOLD
from .clock import NS

THROW_SPEED_MPS = 2.0      # horizontal hand speed at release that counts as a throw
VELOCITY_WINDOW_S = 0.1    # the release velocity is the hand's average velocity over this long before the release
CONE_DEG = 20.0            # the release heading picks a receiver within this many degrees
HISTORY_S = 0.5


@dataclass(frozen=True)
class Release:
    """The hand let go of the ball: which hand, when (XrTime ns), where (rig frame metres) and its velocity
    (rig frame m/s, Panda3D axes: +Y forward, +Z up)."""

    hand: int
    time_ns: int
    position: np.ndarray
    velocity: np.ndarray

    @property
    def horizontal_speed(self) -> float:
        return float(np.hypot(self.velocity[0], self.velocity[1]))

    @property
    def forward(self) -> bool:
        """Moving toward the rig's front (not a hand pulled back)."""
        return float(self.velocity[1]) > 0.0

    @property
    def is_throw(self) -> bool:
        return self.forward and self.horizontal_speed >= THROW_SPEED_MPS


class MotionThrow:
    """Watches both hands frame by frame; `update` returns a `Release` when a held trigger or grip is let go."""

    def __init__(self, threshold: float = THROW_THRESHOLD):
        self.threshold = threshold
        self.held = [False, False]
        self.track: tuple[deque, deque] = (deque(), deque())  # (time_ns, position) per hand while held

    def update(self, time_ns: int, hold: tuple[float, float], positions) -> Release | None:
        """`hold`: per hand the larger of trigger and grip (0..1); `positions`: per hand its rig-frame position or
        None (untracked). One release per call at most (the right hand first)."""
        out = None
        for k in (1, 0):
            p = positions[k]
            track = self.track[k]
            if p is not None:
                track.append((int(time_ns), np.asarray(p, np.float64)))
                while track and track[0][0] < time_ns - HISTORY_S * NS:
                    track.popleft()
            if not self.held[k] and hold[k] >= self.threshold:
                self.held[k] = True
            elif self.held[k] and hold[k] < self.threshold / 2:
                self.held[k] = False
                rel = self._release(k, int(time_ns))
                track.clear()
                if out is None:
                    out = rel
        return out

    def _release(self, k: int, time_ns: int) -> Release | None:
        track = list(self.track[k])
        if len(track) < 2:
            return None  # the controller was not tracked while held: no velocity to throw with
        t_end, p_end = track[-1]
        start = [s for s in track if s[0] <= t_end - VELOCITY_WINDOW_S * NS]
        t0, p0 = start[-1] if start else track[0]
        if t_end <= t0:
            return None
        v = (p_end - p0) / ((t_end - t0) / NS)
        return Release(k, time_ns, p_end, v)


def heading_deg(v) -> float:
    """Heading of a horizontal direction (degrees, 0 = +X, counter-clockwise)."""
    return math.degrees(math.atan2(float(v[1]), float(v[0])))


def pick_by_heading(release_dir_world, hand_world, targets: dict[int, np.ndarray],
                    cone_deg: float = CONE_DEG) -> int | None:
    """The target (nfl_id -> world point) closest in horizontal heading, seen from the hand, to the release
    direction, within `cone_deg`; None when every target is outside the cone."""
    h = heading_deg(release_dir_world)
    best, best_d = None, cone_deg
    for nid, p in targets.items():
        d = np.asarray(p, np.float64) - np.asarray(hand_world, np.float64)
        if not np.all(np.isfinite(d)) or np.hypot(d[0], d[1]) < 1e-6:
            continue
        diff = abs((heading_deg(d) - h + 180.0) % 360.0 - 180.0)
        if diff <= best_d:
            best, best_d = nid, diff
    return best
