"""Blob shadows on the turf: one soft ellipse per player, from his feet to where the sun throws his head, and a
small soft disc under the ball that fades and widens as the ball rises. They give contact and depth cues that
perspective alone does not (who is in front of whom in the pocket, how high the ball is).

Why blobs and not a shadow map: on Mesa's llvmpipe the figures' vertex work is the frame's main cost, and a
shadow map draws every figure a second time from the sun (plus a depth lookup on every turf pixel); the blobs are
one draw call of 4 vertices per player, updated with a few numpy operations (`tools/bench_render.py --shadows`
prints both costs).

Drawn in the background bin right after the ground (no depth test, so never z-fighting with the turf) and
before the figures, which cover them.
"""

from __future__ import annotations

import numpy as np
from panda3d.core import GeomEnums, NodePath, OmniBoundingVolume, Texture, TransparencyAttrib

from . import palette
from .meshes import make_geom, radial_alpha_texture

SHADOW_ALPHA, BALL_SHADOW_ALPHA = 0.45, 0.5
BODY_HALF_WIDTH_M = 0.32
FOOT_MARGIN_M = 0.25  # the blob reaches this far beyond the feet and the head's shadow
BALL_SHADOW_R_M, BALL_FADE_M = 0.16, 12.0  # radius on the turf; gone at this height
LIFT_M = 0.0


def soft_disc(size: int = 64) -> Texture:
    """White with alpha falling smoothly from 1 at the centre to 0 at the rim."""
    return radial_alpha_texture("soft-disc", lambda r: np.clip((1.0 - r) / 0.55, 0, 1) ** 1.5, size, clamp=True)


def ground_point(p: np.ndarray) -> np.ndarray:
    """Where the sun throws points [..., 3] onto the turf (z = 0), as [..., 2]."""
    s = np.asarray(palette.SUN, np.float32)
    return p[..., :2] - p[..., 2:3] / s[2] * s[:2]


class BlobShadows:
    """Shadows of `n_players` figures and the ball; `update(joints, feet, head, ball)` moves them."""

    def __init__(self, n_players: int):
        self.n = n_players + 1  # the last blob is the ball's
        corners = np.tile(np.array([(-1, -1), (1, -1), (1, 1), (-1, 1)], np.float32), (self.n, 1))
        self._uv = corners * 0.5 + 0.5
        self._data = np.zeros((self.n * 4, 9), np.float32)  # x y z, r g b a, u v
        self._data[:, 7:9] = self._uv
        base = (np.arange(self.n) * 4)[:, None]
        tris = np.concatenate([base + [0, 1, 2], base + [0, 2, 3]], 1).reshape(-1, 3)
        node = make_geom(self._data[:, :3], tris, colors=self._data[:, 3:7], uvs=self._uv, name="blob-shadows")
        self._vdata = node.modify_geom(0).modify_vertex_data()
        self._vdata.set_usage_hint(GeomEnums.UH_dynamic)
        node.set_bounds(OmniBoundingVolume())
        node.set_final(True)
        self.root = NodePath(node)
        self.root.set_texture(soft_disc())
        self.root.set_transparency(TransparencyAttrib.M_alpha)
        self.root.set_bin("background", 5)
        self.root.set_depth_write(False)
        self.root.set_depth_test(False)
        self.root.set_light_off(1)
        self.root.set_two_sided(True)
        self._a, self._b = np.zeros((self.n, 2), np.float32), np.zeros((self.n, 2), np.float32)
        self._alpha, self._half_w, self._half_l = (np.zeros(self.n, np.float32) for _ in range(3))
        sun = np.asarray(palette.SUN, np.float32)
        self._sun = sun[:2] / sun[2]  # ground offset per metre of height
        self._perp = np.float32([-1.0, 1.0])  # (ux, uy)[::-1] * this = the left normal (-uy, ux)

    def update(self, feet: np.ndarray, head: np.ndarray, shown: np.ndarray, width: np.ndarray,
               ball: np.ndarray | None) -> None:
        """`feet`, `head` [P, 3] (feet midpoint, top of the head), `shown` [P] 0/1, `width` [P] half widths (m);
        `ball` [3] or None. A few numpy operations on preallocated arrays: this runs every frame."""
        a, b, alpha, half_w, half_l = self._a, self._b, self._alpha, self._half_w, self._half_l
        a[:-1] = feet[:, :2]
        s = self._sun
        b[:-1] = head[:, :2] - head[:, 2:3] * s
        np.multiply(shown, SHADOW_ALPHA, out=alpha[:-1])
        half_w[:-1] = width
        alpha[-1] = 0.0
        if ball is not None and np.isfinite(ball).all():
            a[-1] = b[-1] = ball[:2] - ball[2] * s
            k = max(0.0, 1.0 - float(ball[2]) / BALL_FADE_M)
            alpha[-1] = BALL_SHADOW_ALPHA * k
            half_w[-1] = BALL_SHADOW_R_M * (1.6 - 0.6 * k)
        axis = b - a
        length = np.sqrt(np.einsum("ij,ij->i", axis, axis))
        u = axis / np.maximum(length, 1e-4)[:, None]
        u[length <= 1e-4] = (1.0, 0.0)
        np.multiply(length, 0.5, out=half_l)
        half_l += FOOT_MARGIN_M
        half_l[-1] = half_w[-1]
        c = (a + b) * 0.5
        lu, wv = half_l[:, None] * u, half_w[:, None] * u[:, ::-1] * self._perp
        d = self._data.reshape(self.n, 4, 9)
        d[:, 0, :2] = c - lu - wv
        d[:, 1, :2] = c + lu - wv
        d[:, 2, :2] = c + lu + wv
        d[:, 3, :2] = c - lu + wv
        ok = np.isfinite(c).all(axis=1)
        d[:, :, 6] = np.where(ok, alpha, 0.0)[:, None]
        if not ok.all():
            d[~ok, :, :2] = 0.0
        memoryview(self._vdata.modify_array(0)).cast("B").cast("f")[:] = self._data.ravel()
