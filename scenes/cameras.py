"""Named viewpoints on a play, as plain numbers (eye, target, horizontal field of view) so they can be tested
without rendering and used by any display backend.

- `qb`: the passer's eyes (from his skeleton; `replay.roles.passer`, the real thrower), looking downfield and
  slightly down; follows his dropback.
- `all22`: high behind the offense, the whole formation and the secondary in view.
- `endzone`: from behind the defense, looking back at the pocket.
- `sideline`: from the press box side, square to the line of scrimmage.
- `free`: an orbit (azimuth, elevation, distance) around a target point, driven by the mouse.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from replay.field_frame import FIELD, YARD
from replay.play import Play

CAMERAS = ("qb", "all22", "endzone", "sideline", "free")
QB_PITCH_DEG = -10.0
EYE_BELOW_HEAD_TOP_M = 0.11
DOWNFIELD_HEADING_DEG = -90.0  # a rig heading (Panda3D: 0 faces +y) facing downfield (+x)
STANDING_EYE_M = 1.7  # a standing trainee's eye height above the rig (a headset's stage floor)


@dataclass
class CameraPose:
    eye: np.ndarray     # [3] metres, world frame
    target: np.ndarray  # [3]
    fov_h: float        # degrees, horizontal


@dataclass
class Orbit:
    """State of the `free` camera."""

    target: np.ndarray = field(default_factory=lambda: np.zeros(3, np.float32))
    azimuth: float = 200.0   # degrees, 0 = looking toward +x from -x ... measured from +x around Z
    elevation: float = 25.0  # degrees above the horizon
    distance: float = 40.0   # metres

    def pose(self, fov_h: float = 60.0) -> CameraPose:
        az, el = math.radians(self.azimuth), math.radians(self.elevation)
        off = np.array([math.cos(el) * math.cos(az), math.cos(el) * math.sin(az), math.sin(el)], np.float32)
        return CameraPose(self.target + self.distance * off, self.target.copy(), fov_h)

    def drag(self, dx: float, dy: float) -> None:
        """Rotate by a mouse drag (fractions of the window)."""
        self.azimuth = (self.azimuth - dx * 180.0) % 360.0
        self.elevation = float(np.clip(self.elevation + dy * 90.0, 3.0, 89.0))

    def zoom(self, steps: float) -> None:
        self.distance = float(np.clip(self.distance * (0.88 ** steps), 3.0, 250.0))


def line_of_scrimmage_m(play: Play) -> float:
    """x of the line of scrimmage in metres: the play's LOS, else the ball at the snap, else midfield."""
    if play.meta.los_x is not None and np.isfinite(play.meta.los_x):
        return float(play.meta.los_x) * YARD
    t0 = play.event_time("ball_snap") or 0.0
    if len(play.ball_t):
        return float(np.interp(t0, play.ball_t, play.ball_x)) * YARD
    return FIELD.midfield_x * YARD


def eye_point(joints: np.ndarray, joint_names) -> np.ndarray:
    """Eye position of one figure `[J, 3]`: between the eyes if the skeleton has them, else below the head top."""
    names = list(joint_names)
    eyes = [i for i, n in enumerate(names) if "eye" in n.lower()]
    if len(eyes) >= 2:
        return joints[eyes].mean(axis=0)
    heads = [i for i, n in enumerate(names) if "head" in n.lower()]
    if heads:
        return joints[heads[0]] - np.array([0, 0, EYE_BELOW_HEAD_TOP_M], np.float32)
    return joints[:, :].max(axis=0)


def camera_pose(name: str, play: Play, joints: np.ndarray, joint_names, *, qb: int | None = None,
                orbit: Orbit | None = None) -> CameraPose:
    """The pose of camera `name` at the frame whose joints `[P, J, 3]` are given."""
    los = line_of_scrimmage_m(play)
    cy = FIELD.centre_y * YARD
    if name == "qb":
        eye = None
        if qb is not None and np.all(np.isfinite(joints[qb])):
            eye = eye_point(joints[qb], joint_names).astype(np.float32)
        if eye is None:
            eye = np.array([los - 7 * YARD, cy, 1.80], np.float32)
        pitch = math.radians(QB_PITCH_DEG)
        target = eye + 20.0 * np.array([math.cos(pitch), 0.0, math.sin(pitch)], np.float32)
        return CameraPose(eye, target, 90.0)
    if name == "all22":
        # the line of scrimmage near the middle of the picture: ~12 yd of backfield below it, ~25 yd of field above
        return CameraPose(np.array([los - 25 * YARD, cy, 24.0], np.float32),
                          np.array([los + 1 * YARD, cy, 0.0], np.float32), 62.0)
    if name == "endzone":
        # behind the defense, but never deeper than just behind the end line (goal-line plays)
        return CameraPose(np.array([min(los + 26 * YARD, (FIELD.length + 4) * YARD), cy, 10.0], np.float32),
                          np.array([los - 3 * YARD, cy, 0.0], np.float32), 55.0)
    if name == "sideline":
        return CameraPose(np.array([los + 3 * YARD, -12 * YARD, 12.0], np.float32),
                          np.array([los + 3 * YARD, cy - 2 * YARD, 0.0], np.float32), 62.0)
    if name == "free":
        return (orbit or Orbit(target=np.array([los, cy, 0.0], np.float32))).pose()
    raise ValueError(f"unknown camera {name!r}; expected one of {', '.join(CAMERAS)}")


def headset_spot(play: Play, qb: int | None) -> np.ndarray:
    """Where a headset's rig stands for the whole rep (metres, on the ground): the real QB's spot at the snap
    (`qb` his column; the nearest earlier tracked frame when the snap frame misses him), else 7 yd behind the
    line of scrimmage at the middle of the field. The rig faces downfield (`DOWNFIELD_HEADING_DEG`); from there
    only the trainee's own head moves his eyes - the recorded QB's dropback does not move the headset."""
    f = play.event_frame("ball_snap")
    if qb is not None and f is not None:
        xs, ys = play.x[: f + 1, qb], play.y[: f + 1, qb]
        ok = np.flatnonzero(np.isfinite(xs) & np.isfinite(ys))
        if len(ok):
            return FIELD.to_world(float(xs[ok[-1]]), float(ys[ok[-1]])).astype(np.float32)
    return np.array([line_of_scrimmage_m(play) - 7 * YARD, FIELD.centre_y * YARD, 0.0], np.float32)


def overhead_rig(pose: CameraPose) -> tuple[np.ndarray, float, float]:
    """A headset rig that shows camera `pose` from above: (ground point below the camera's eye, heading toward
    its target, scale). Scaled so a standing trainee's eyes are at the camera's eye height (a giant over the
    field, looking down at the play), turned toward the target; his head still moves the view."""
    d = pose.target - pose.eye
    heading = float(np.degrees(np.arctan2(-d[0], d[1])))  # Panda3D heading: 0 faces +y, -90 faces +x
    scale = max(float(pose.eye[2]) / STANDING_EYE_M, 1.0)
    return np.array([pose.eye[0], pose.eye[1], 0.0], np.float32), heading, scale
