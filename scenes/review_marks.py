"""What a reviewer needs to read the ball and the target at any distance: the ball kept at a minimum size on
screen, a short trail behind it, a ring on the turf under the target receiver and under the ball carrier, and
their labels sized by distance and kept clear of the HUD.

    marks = ReviewMarks(play, scene)           # attached under the scene root
    marks.update(t, eye, to_screen, hud_top)   # after the camera is placed (scene.update(t) done)

Rings are drawn like the blob shadows (background bin, after the turf, no depth): always readable, under the
figures. Labels are billboards whose world size grows with distance (constant on screen between LABEL_MIN_PX and
LABEL_MAX_PX) and which hide while their screen position would fall on the HUD band.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from panda3d.core import (
    Geom,
    GeomEnums,
    GeomLinestrips,
    NodePath,
    OmniBoundingVolume,
    TextNode,
    Texture,
    TransparencyAttrib,
)

from replay.play import Play

from .ball import DIAMETER_M
from .meshes import make_geom, radial_alpha_texture

BALL_MIN_PX = 7.0  # the ball never draws smaller than this many pixels across
TRAIL_S, TRAIL_POINTS = 0.45, 16
TARGET_COLOR, CARRIER_COLOR, TRAIL_COLOR = (0.2, 0.9, 1.0), (1.0, 0.85, 0.1), (1.0, 0.95, 0.7)
RING_R_M = 0.85
LABEL_ABOVE_HEAD_M = 0.35
LABEL_PX = 18.0  # label cap height on screen
LABEL_MIN_M, LABEL_MAX_M = 0.25, 3.0  # and in the world: never smaller (close) or larger (far) than this
CARRY_M, CARRY_MAX_Z = 1.0, 2.4  # a player holds the ball when it is this close to his root and this low


def ball_scale(distance: float, px_per_rad: float) -> float:
    """Scale of the ball so that it covers at least BALL_MIN_PX pixels at `distance` metres."""
    px = DIAMETER_M / max(distance, 1e-3) * px_per_rad
    return max(1.0, BALL_MIN_PX / max(px, 1e-6))


def label_size(distance: float, px_per_rad: float, px: float = LABEL_PX) -> float:
    """World height (m) of a label that reads `px` pixels tall at `distance`, within the world limits."""
    return float(np.clip(px / px_per_rad * distance, LABEL_MIN_M, LABEL_MAX_M))


def ball_carrier(roots: np.ndarray, ball: np.ndarray) -> int | None:
    """The player whose root is within CARRY_M (horizontally) of a low ball, else None."""
    if not np.all(np.isfinite(ball)) or ball[2] > CARRY_MAX_Z:
        return None
    d = np.hypot(roots[:, 0] - ball[0], roots[:, 1] - ball[1])
    d = np.where(np.isfinite(d), d, np.inf)
    k = int(np.argmin(d))
    return k if d[k] < CARRY_M else None


def target_column(play: Play) -> int | None:
    """Roster column of the intended receiver the play names, else None."""
    tid = play.meta.target_nfl_id
    if tid is None:
        return None
    hit = np.flatnonzero(np.asarray(play.roster.nfl_id) == int(tid))
    return int(hit[0]) if len(hit) else None


def ring_texture(size: int = 64) -> Texture:
    return radial_alpha_texture("ring", lambda r: np.clip(1.0 - np.abs(r - 0.82) / 0.14, 0, 1), size)


def ring_node(color, radius: float = RING_R_M) -> NodePath:
    """A ring on the turf (drawn after it, no depth: always readable, under the figures)."""
    v = np.array([(-1, -1, 0), (1, -1, 0), (1, 1, 0), (-1, 1, 0)], np.float32) * radius
    uv = np.array([(0, 0), (1, 0), (1, 1), (0, 1)], np.float32)
    np_ = NodePath(make_geom(v, np.array([(0, 1, 2), (0, 2, 3)]), colors=np.tile((*color, 1.0), (4, 1)), uvs=uv,
                             name="ring"))
    np_.set_texture(ring_texture())
    np_.set_transparency(TransparencyAttrib.M_alpha)
    np_.set_bin("background", 6)
    np_.set_depth_write(False)
    np_.set_depth_test(False)
    np_.set_two_sided(True)
    return np_


def label_node(text: str, color) -> NodePath:
    """A billboard label over everything (no depth), sized by the caller (`label_size`)."""
    tn = TextNode(f"mark-{text}")
    tn.set_text(text)
    tn.set_align(TextNode.A_center)
    tn.set_text_color(*color, 1.0)
    tn.set_shadow(0.06, 0.06)
    tn.set_shadow_color(0, 0, 0, 1)
    np_ = NodePath(tn)
    np_.set_billboard_point_eye()
    np_.set_depth_write(False)
    np_.set_depth_test(False)
    np_.set_bin("fixed", 40)
    return np_


class BallTrail:
    """The ball's last TRAIL_S seconds as a line strip fading toward its tail."""

    def __init__(self, color=TRAIL_COLOR, alpha: float = 0.9) -> None:
        self._data = np.zeros((TRAIL_POINTS, 7), np.float32)  # x y z r g b a
        self._data[:, 3:6] = color
        self._data[:, 6] = np.linspace(0.0, alpha, TRAIL_POINTS)
        node = make_geom(self._data[:, :3], np.zeros((1, 3), np.uint32), colors=self._data[:, 3:], name="ball-trail")
        geom = node.modify_geom(0)
        geom.clear_primitives()
        prim = GeomLinestrips(Geom.UH_static)
        prim.add_consecutive_vertices(0, TRAIL_POINTS)
        prim.close_primitive()
        geom.add_primitive(prim)
        self._vdata = geom.modify_vertex_data()
        self._vdata.set_usage_hint(GeomEnums.UH_dynamic)
        node.set_bounds(OmniBoundingVolume())
        node.set_final(True)
        self.root = NodePath(node)
        self.root.set_render_mode_thickness(3)
        self.root.set_transparency(TransparencyAttrib.M_alpha)
        self.root.set_light_off(1)

    def update(self, points: np.ndarray) -> None:
        ok = np.isfinite(points).all(axis=1)
        if ok.sum() < 2 or float(np.ptp(points[ok], axis=0).max()) < 0.3:  # held or still: no trail
            self.root.hide()
            return
        self.root.show()
        p = points.copy()
        p[~ok] = p[ok][-1]
        self._data[:, :3] = p
        memoryview(self._vdata.modify_array(0)).cast("B").cast("f")[:] = self._data.ravel()


def ball_path(poses, ts: np.ndarray) -> np.ndarray:
    """Ball centres [len(ts), 3] from a pose source (one call when it takes arrays of times)."""
    try:
        out = np.asarray(poses.ball_at(ts), np.float32)
        if out.shape == (len(ts), 3):
            return out
    except (TypeError, ValueError):
        pass
    return np.asarray([poses.ball_at(float(x)) for x in ts], np.float32)


class ReviewMarks:
    """Target and carrier rings and labels, the ball's trail and its minimum size, for one play scene."""

    def __init__(self, play: Play, scene) -> None:
        self.scene = scene
        self.root = NodePath("review-marks")
        self.target = target_column(play)
        self.rings = {"target": ring_node(TARGET_COLOR), "carrier": ring_node(CARRIER_COLOR)}
        self.labels = {"target": label_node("target", TARGET_COLOR), "carrier": label_node("ball", CARRIER_COLOR)}
        for np_ in (*self.rings.values(), *self.labels.values()):
            np_.reparent_to(self.root)
            np_.hide()
        self.trail = BallTrail()
        self.trail.root.reparent_to(self.root)
        self.shown: dict[str, int | None] = {"target": None, "carrier": None}

    def update(self, t: float, eye: np.ndarray, px_per_rad: float,
               to_screen: Callable[[np.ndarray], tuple[float, float] | None], hud_top: float) -> None:
        """Place everything for play time `t` seen from `eye`; `to_screen` maps a world point to overlay
        coordinates (None when behind the eye), `hud_top` is the overlay z above which labels may go."""
        sc = self.scene
        J, ball = sc.joints, sc.ball_pos
        roots = J[:, 0]
        carrier = ball_carrier(roots, ball)
        self.shown = {"target": self.target, "carrier": carrier}
        if self.shown["carrier"] == self.target:
            self.shown["target"] = None  # the catch made: one ring, the carrier's
        for key, col in self.shown.items():
            if col is not None and sc.figures.visible[col] == 0:
                self.shown[key] = None  # the first-person player: no ring at his own feet
        for key, col in self.shown.items():
            self._place(key, col, J, eye, px_per_rad, to_screen, hud_top)
        if carrier is None:  # in the air or loose: a held ball needs no trail
            self.trail.update(ball_path(sc.poses, np.linspace(t - TRAIL_S, t, TRAIL_POINTS)))
        else:
            self.trail.root.hide()
        if ball is not None and np.all(np.isfinite(ball)):
            sc.ball.root.set_scale(ball_scale(float(np.linalg.norm(ball - eye)), px_per_rad))

    def _place(self, key: str, col: int | None, J: np.ndarray, eye, px_per_rad, to_screen, hud_top) -> None:
        ring, label = self.rings[key], self.labels[key]
        if col is None or not np.all(np.isfinite(J[col])):
            ring.hide()
            label.hide()
            return
        root = J[col, 0]
        ring.show()
        ring.set_pos(float(root[0]), float(root[1]), 0.0)
        top = J[col, :, 2].max()
        p = np.array([root[0], root[1], top + LABEL_ABOVE_HEAD_M], np.float32)
        s = to_screen(p)
        if s is None or s[1] < hud_top:
            label.hide()
            return
        label.show()
        label.set_pos(*(float(c) for c in p))
        label.set_scale(label_size(float(np.linalg.norm(p - eye)), px_per_rad))
