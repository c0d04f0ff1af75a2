"""Gaze geometry: where a gaze ray lands in a play, every frame.

Each player is a set of capsules between his joints (head, torso, shoulders, arms, legs) from the `[P, J, 3]`
joints the renderer draws; the ray hits the nearest capsule along it (widened by a small angular margin for the
tracker's accuracy). When it hits no player it lands on the ground in a field zone (backfield, short /
intermediate / deep x left / middle / right from the quarterback's view), out of bounds, or in the sky.

Every hit also gets an attention category: `downfield` (receivers, coverage, or the ground beyond the line of
scrimmage), `rush` (pass rushers, blockers, or the ground behind the line) or `other` (sky, out of bounds).
All players are tested at once with numpy; a frame costs well under 0.3 ms for 22 players.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from replay.field_frame import FIELD, YARD
from replay.play import Play

WIDTH_M = FIELD.width * YARD

# (joint a, joint b, radius m): a player's body as capsules; shoulder pads make the torso wide.
CAPSULES = (
    ("neck", "head_top", 0.13), ("mid_hip", "neck", 0.20), ("l_shoulder", "r_shoulder", 0.11),
    ("l_shoulder", "l_elbow", 0.065), ("r_shoulder", "r_elbow", 0.065), ("l_elbow", "l_wrist", 0.05),
    ("r_elbow", "r_wrist", 0.05), ("l_hip", "l_knee", 0.09), ("r_hip", "r_knee", 0.09),
    ("l_knee", "l_ankle", 0.07), ("r_knee", "r_ankle", 0.07),
)
DEFAULT_MARGIN_DEG = 1.0
MAX_RANGE_M = 150.0
CATEGORIES = ("downfield", "rush", "other")
DOWNFIELD_ROLES = {"route_runner", "coverage"}
RUSH_ROLES = {"pass_rusher", "blocker", "passer"}


@dataclass
class GazeHit:
    """What one gaze ray hit: a player (column and nfl_id, else -1 / 0), the point (world metres), the field
    zone under it and its attention category."""

    col: int
    nfl_id: int
    point: np.ndarray | None
    distance: float
    zone: str
    category: str


def head_angles(direction: np.ndarray) -> tuple[float, float]:
    """(yaw, pitch) in degrees of a world direction: yaw 0 = downfield (+x), positive toward the QB's left (+y);
    pitch positive above the horizon."""
    d = np.asarray(direction, np.float64)
    n = float(np.linalg.norm(d)) or 1.0
    return math.degrees(math.atan2(d[1], d[0])), math.degrees(math.asin(max(-1.0, min(1.0, d[2] / n))))


def direction_from_angles(yaw_deg: float, pitch_deg: float) -> np.ndarray:
    y, p = math.radians(yaw_deg), math.radians(pitch_deg)
    return np.array([math.cos(p) * math.cos(y), math.cos(p) * math.sin(y), math.sin(p)], np.float32)


def field_zone(x_m: float, y_m: float, los_m: float) -> str:
    """The zone of a ground point from the quarterback's view (offense toward +x, his left = +y)."""
    if y_m < 0 or y_m > WIDTH_M:
        return "out_of_bounds"
    depth = (x_m - los_m) / YARD
    if depth < 0:
        return "backfield"
    band = "short" if depth < 10 else "intermediate" if depth < 20 else "deep"
    third = y_m / WIDTH_M
    side = "right" if third < 1 / 3 else "middle" if third < 2 / 3 else "left"
    return f"{band}_{side}"


class GazeScene:
    """Hit-testing of gaze rays against one play's players (built once per play, called every frame)."""

    def __init__(self, play: Play, joint_names, *, exclude: tuple[int, ...] | list[int] = (),
                 receivers: tuple[int, ...] | list[int] = (), los_m: float | None = None,
                 margin_deg: float = DEFAULT_MARGIN_DEG):
        """`exclude`: columns never hit (the trainee's own body); `receivers`: columns of the eligible receivers,
        always `downfield` targets (a tight end who stays in to block is still a read)."""
        names = list(joint_names)
        missing = [n for a, b, _ in CAPSULES for n in (a, b) if n not in names]
        if missing:
            raise ValueError(f"skeleton lacks joints {sorted(set(missing))} needed for gaze capsules")
        self.ia = np.array([names.index(a) for a, _, _ in CAPSULES])
        self.ib = np.array([names.index(b) for _, b, _ in CAPSULES])
        self.radius = np.array([r for _, _, r in CAPSULES], np.float32)
        self.tan_margin = math.tan(math.radians(margin_deg))
        self.nfl_id = np.asarray(play.roster.nfl_id, np.int64)
        self.role = np.asarray(play.roster.role).astype(str).astype(object)
        self.role[list(receivers)] = "route_runner"
        self.active = np.ones(len(self.nfl_id), bool)
        self.active[list(exclude)] = False
        if los_m is None:
            los_m = (play.meta.los_x if play.meta.los_x is not None else FIELD.midfield_x) * YARD
        self.los_m = float(los_m)

    def hit(self, joints: np.ndarray, origin: np.ndarray, direction: np.ndarray) -> GazeHit:
        """The nearest player capsule along the ray from `origin` along `direction` (world metres), else the
        ground zone, out of bounds or the sky."""
        o = np.asarray(origin, np.float32)
        d = np.asarray(direction, np.float32)
        d = d / max(float(np.linalg.norm(d)), 1e-9)
        A = joints[:, self.ia]  # [P, S, 3]
        E = joints[:, self.ib] - A
        R = o - A
        b = E @ d  # [P, S]
        c = np.einsum("psk,psk->ps", E, E)
        dr = R @ d
        er = np.einsum("psk,psk->ps", E, R)
        denom = np.maximum(c - b * b, 1e-9)
        u = np.clip((er - b * dr) / denom, 0.0, 1.0)
        s = np.maximum(u * b - dr, 0.0)
        u = np.clip((er + s * b) / np.maximum(c, 1e-9), 0.0, 1.0)
        gap = R + s[..., None] * d - u[..., None] * E
        dist2 = np.einsum("psk,psk->ps", gap, gap)
        reach = self.radius + s * self.tan_margin
        hit = (dist2 <= reach * reach) & (s > 0.3)
        hit &= self.active[:, None]
        hit &= np.isfinite(dist2)
        if hit.any():
            depth = np.where(hit, s, np.inf).min(axis=1)
            col = int(np.argmin(depth))
            dist = float(depth[col])
            point = o + dist * d
            role = self.role[col]
            if role in RUSH_ROLES:
                cat = "rush"
            elif role in DOWNFIELD_ROLES or point[0] > self.los_m:
                cat = "downfield"
            else:
                cat = "rush"
            return GazeHit(col, int(self.nfl_id[col]), point, dist, field_zone(point[0], point[1], self.los_m), cat)
        if d[2] < -1e-6:
            dist = float(-o[2] / d[2])
            if dist <= MAX_RANGE_M:
                point = o + dist * d
                zone = field_zone(float(point[0]), float(point[1]), self.los_m)
                cat = "other" if zone == "out_of_bounds" else "rush" if zone == "backfield" else "downfield"
                return GazeHit(-1, 0, point, dist, zone, cat)
        return GazeHit(-1, 0, None, math.inf, "sky", "other")


def aim_point(joints: np.ndarray, joint_names, col: int) -> np.ndarray:
    """Where to look at a player: the upper chest (between spine_mid and neck)."""
    names = list(joint_names)
    return 0.5 * (joints[col, names.index("spine_mid")] + joints[col, names.index("neck")])
