"""From the headset's STAGE space to the renderer's rig.

The app puts the rig on the ground at the play's QB, facing downfield (`engine.app.update_frame`). The trainee's
real head moves relative to that spot: his STAGE pose (floor origin, metres) is shifted so that the spot where
he stood when he last recentred lands on the rig origin, and turned so that the heading he had then faces the
rig's +Y (downfield). Height stays real: a 1.9 m trainee sees from 1.9 m, crouching lowers the eyes.
Everything here is in Panda3D axes (convert OpenXR poses with `engine.xr.coords` first).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .coords import panda_forward, panda_heading, quat_from_heading, quat_multiply, quat_rotate


@dataclass
class Recenter:
    """The STAGE spot (x, y) and heading (radians) that map to the rig origin facing +Y."""

    origin: np.ndarray = None  # type: ignore[assignment]
    heading: float = 0.0

    def __post_init__(self):
        self.origin = np.zeros(2) if self.origin is None else np.asarray(self.origin, np.float64)[:2]

    @classmethod
    def at(cls, head_position, head_orientation) -> "Recenter":
        """Recentre on a head pose: its floor spot and its heading (pitch and roll ignored)."""
        return cls(np.asarray(head_position, np.float64)[:2].copy(), float(panda_heading(head_orientation)))

    def apply(self, position, orientation) -> tuple[np.ndarray, np.ndarray]:
        """A STAGE pose (Panda3D axes) relative to the rig. Vectorised over leading dimensions."""
        p = np.asarray(position, np.float64).copy()
        p[..., :2] -= self.origin
        turn = quat_from_heading(-self.heading)
        return quat_rotate(turn, p), quat_multiply(turn, np.asarray(orientation, np.float64))

    def apply_direction(self, direction) -> np.ndarray:
        return quat_rotate(quat_from_heading(-self.heading), np.asarray(direction, np.float64))


def gaze_ray(position, orientation) -> tuple[np.ndarray, np.ndarray]:
    """Origin and unit direction of the ray a pose looks along (its +Y in Panda3D axes)."""
    d = panda_forward(orientation)
    return np.asarray(position, np.float64), d / np.linalg.norm(d, axis=-1, keepdims=True)


def rig_to_world(rig_position, rig_heading_deg: float, position, orientation=None):
    """A rig-relative point (and optionally orientation) in the world, for a rig placed with
    `Renderer.place_rig(rig_position, rig_heading_deg)` (ground spot, heading only)."""
    turn = quat_from_heading(np.radians(rig_heading_deg))
    p = quat_rotate(turn, np.asarray(position, np.float64)) + np.asarray(rig_position, np.float64)
    if orientation is None:
        return p
    return p, quat_multiply(turn, np.asarray(orientation, np.float64))
