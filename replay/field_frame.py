"""The field frame and the world frame, and the one conversion between them.

- Field frame (every `Play` after normalisation, whatever the source): yards; x runs 0-120 along the field, end
  zones included (goal lines at x = 10 and 110), the offense always moving toward +x; y runs 0-53.33 across it
  (160 ft); the centre line (between the hash marks) is y = 26.67.
- World frame (what is posed, drawn and measured in 3D): metres, right-handed, Z up, same origin and axes as the
  field frame: world = (x_yd * YARD, y_yd * YARD, z_m). x is downfield, toward the end zone the defense protects.

`FIELD` is the regulation NFL field; `YARD` is the only yards-to-metres factor in the code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

YARD = 0.9144  # metres per yard (international yard, exact)


@dataclass(frozen=True)
class FieldFrame:
    """A football field in yards, with the conversions to and from the world frame (metres, Z up)."""

    length: float = 120.0  # yd, end line to end line
    width: float = 160.0 / 3.0  # yd, sideline to sideline (160 ft)
    end_zone: float = 10.0  # yd, goal line to end line

    @property
    def centre_y(self) -> float:
        """y of the centre line along the field (yd)."""
        return self.width / 2.0

    @property
    def midfield_x(self) -> float:
        """x of the 50-yard line (yd)."""
        return self.length / 2.0

    @property
    def goal_x(self) -> float:
        """x of the goal line the offense attacks (yd); its own is at `end_zone`."""
        return self.length - self.end_zone

    def to_world(self, x_yd: np.ndarray | float, y_yd: np.ndarray | float,
                 z_m: np.ndarray | float = 0.0) -> np.ndarray:
        """Field yards (+ height in metres) -> world metres [..., 3]."""
        x_yd, y_yd = np.broadcast_arrays(np.asarray(x_yd, np.float64), np.asarray(y_yd, np.float64))
        z = np.broadcast_to(np.asarray(z_m, np.float64), x_yd.shape)
        return np.stack([x_yd * YARD, y_yd * YARD, z], -1)

    def to_field(self, world: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """World metres [..., 2 or 3] -> field yards (x, y); the height is dropped."""
        w = np.asarray(world, np.float64)
        return w[..., 0] / YARD, w[..., 1] / YARD

    def turned(self, x_yd: np.ndarray, y_yd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The same points seen from the other end of the field (x -> length - x, y -> width - y): how a play
        whose offense moves toward -x is normalised."""
        return self.length - x_yd, self.width - y_yd

    def sideline_distance(self, y_yd: np.ndarray | float) -> np.ndarray:
        """Yards from the nearer sideline (0 on or beyond it)."""
        y = np.asarray(y_yd)
        return np.maximum(np.minimum(y, self.width - y), 0.0)


FIELD = FieldFrame()
