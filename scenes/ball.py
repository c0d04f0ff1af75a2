"""The football: a prolate spheroid (11 in long, 6.7 in across) placed on its 3D arc, nose along its motion."""

from __future__ import annotations

import numpy as np
from panda3d.core import NodePath

from . import palette
from .meshes import make_geom
from .shaders import lit_shader

LENGTH_M, DIAMETER_M = 0.28, 0.17


def spheroid_mesh(slices: int = 16, stacks: int = 10) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vertices, normals and triangles of the ball, long axis along +y (Panda3D's forward)."""
    a, b = LENGTH_M / 2, DIAMETER_M / 2
    th = np.linspace(0, np.pi, stacks + 1)[:, None]
    ph = np.linspace(0, 2 * np.pi, slices + 1)[None, :]
    y = a * np.cos(th) * np.ones_like(ph)
    x = b * np.sin(th) * np.cos(ph)
    z = b * np.sin(th) * np.sin(ph)
    v = np.stack([x, y, z], -1).reshape(-1, 3)
    n = np.stack([x / b**2, y / a**2, z / b**2], -1).reshape(-1, 3)
    n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-9)
    cols = slices + 1
    tris = []
    for r in range(stacks):
        for q in range(slices):
            i0, i1, i2, i3 = r * cols + q, r * cols + q + 1, (r + 1) * cols + q, (r + 1) * cols + q + 1
            tris += [(i0, i2, i3), (i0, i3, i1)]
    return v.astype(np.float32), n.astype(np.float32), np.array(tris, np.uint32)


class Ball:
    def __init__(self) -> None:
        v, n, t = spheroid_mesh()
        self.root = NodePath(make_geom(v, t, normals=n, name="ball"))
        self.root.set_shader(lit_shader())
        self.root.set_shader_input("base_color", palette.BALL)
        self.root.set_two_sided(True)

    def update(self, pos: np.ndarray, velocity: np.ndarray | None = None) -> None:
        if not np.all(np.isfinite(pos)):
            self.root.hide()
            return
        self.root.show()
        self.root.set_pos(float(pos[0]), float(pos[1]), float(pos[2]))
        if velocity is not None and np.all(np.isfinite(velocity)) and np.linalg.norm(velocity) > 0.5:
            vx, vy, vz = (float(c) for c in velocity)
            h = np.degrees(np.arctan2(-vx, vy))
            p = np.degrees(np.arctan2(vz, np.hypot(vx, vy)))
            self.root.set_hpr(h, p, 0)
