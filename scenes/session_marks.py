"""What a session review draws over the play: the trainee's head and his gaze, the receiver keys, each
receiver's CP, the real QB's ball as a ghost, and the decision and outcome lines.

    marks = SessionMarks(keys, head_joint, aspect)  # keys: [(key text, column)]
    marks.root      -> under the scene root;   marks.overlay -> under the 2D overlay
    marks.update(frame, joints, eye, px_per_rad, to_screen, hud_top, aspect)   # a SessionFrame per instant

- the head: a helmet at the recorded eye point, its visor toward the recorded head direction (hidden when the
  camera is at those eyes: the first-person view);
- the gaze: a thin cone and its core line from the eyes to where the gaze landed (GAZE_COLOR), a dot there and a
  ring on the turf under the player it hit (the fixation);
- CP bubbles: one per receiver above his key, coloured red (0) -> yellow -> green (1) by value, sized by distance
  and hidden over the HUD band like the review labels;
- the ghost ball: the real QB's ball, semi-transparent, with a faint trail and a "real" label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from panda3d.core import Geom, GeomLines, LPoint3f, LVector3f, NodePath, TextNode, TransparencyAttrib

from .ball import Ball, spheroid_mesh
from .meshes import make_geom
from .receiver_keys import LABEL_ABOVE_HEAD_M, LABEL_SIZE_M, ReceiverKeys
from .review_marks import BallTrail, ball_scale, label_node, label_size, ring_node
from .shaders import lit_shader

GAZE_COLOR = (1.0, 0.15, 0.85)
GHOST_COLOR = (0.75, 0.9, 1.0)
HELMET_COLOR, VISOR_COLOR = (0.92, 0.92, 0.95), (0.1, 0.1, 0.14)
HELMET_R_M = 0.14
CONE_DEG = 1.5  # half-angle of the gaze cone (about the fovea)
GAZE_FAR_M = 40.0  # length of a gaze that hit nothing (the sky)
GAZE_ALPHA, GHOST_ALPHA = 0.3, 0.45
DOT_R_M = 0.22
CP_GAP_M = 0.12  # between a receiver's key and his CP bubble
OUTCOME_COLORS = {"COMPLETE": (0.3, 1.0, 0.4), "INTERCEPTED": (1.0, 0.3, 0.25)}


def cp_color(cp: float) -> tuple[float, float, float]:
    """Red (0) -> yellow (0.5) -> green (1)."""
    c = float(np.clip(cp, 0.0, 1.0))
    return (1.0, 2 * c, 0.1) if c < 0.5 else (2 * (1 - c), 1.0, 0.1)


@dataclass
class GazeState:
    """The trainee at one instant: eye point (m), gaze and head directions (unit), where the gaze landed (None:
    the sky) and the column of the player it hit (None: nobody)."""

    eye: np.ndarray
    gaze: np.ndarray
    head: np.ndarray
    point: np.ndarray | None
    hit_col: int | None


@dataclass
class SessionFrame:
    """Everything the marks show at one instant."""

    gaze: GazeState | None
    cp: dict[int, float]  # column -> CP
    ghost: np.ndarray | None  # [3] the real QB's ball
    ghost_trail: np.ndarray | None  # [TRAIL_POINTS, 3]
    decision: str
    outcome: str  # "" until the ball arrives (or the rep ends)


def _cone() -> NodePath:
    """A unit cone: apex at the origin, base circle of radius 1 at y = 1 (Panda's forward)."""
    n = 20
    a = np.linspace(0, 2 * np.pi, n, endpoint=False)
    v = np.vstack([[0, 0, 0], np.stack([np.cos(a), np.ones(n), np.sin(a)], -1)]).astype(np.float32)
    tris = np.array([(0, 1 + k, 1 + (k + 1) % n) for k in range(n)], np.uint32)
    np_ = NodePath(make_geom(v, tris, colors=np.tile((*GAZE_COLOR, GAZE_ALPHA), (n + 1, 1)), name="gaze-cone"))
    np_.set_transparency(TransparencyAttrib.M_alpha)
    np_.set_two_sided(True)
    np_.set_depth_write(False)
    np_.set_bin("fixed", 30)
    return np_


def _line() -> NodePath:
    """The gaze's core: a unit segment along +y."""
    v = np.array([(0, 0, 0), (0, 1, 0)], np.float32)
    node = make_geom(v, np.zeros((1, 3), np.uint32), colors=np.tile((*GAZE_COLOR, 1.0), (2, 1)), name="gaze-line")
    geom = node.modify_geom(0)
    geom.clear_primitives()
    prim = GeomLines(Geom.UH_static)
    prim.add_vertices(0, 1)
    geom.add_primitive(prim)
    np_ = NodePath(node)
    np_.set_render_mode_thickness(3)
    np_.set_bin("fixed", 31)
    return np_


def _solid(color, scale) -> NodePath:
    v, n, t = spheroid_mesh()
    np_ = NodePath(make_geom(v, t, normals=n, name="head-part"))
    np_.set_shader(lit_shader())
    np_.set_shader_input("base_color", color)
    np_.set_scale(*scale)
    return np_


def _head() -> NodePath:
    """A helmet and its visor, facing +y, centred on the eyes."""
    head = NodePath("trainee-head")
    a, b = spheroid_mesh()[0][:, 1].max(), spheroid_mesh()[0][:, 0].max()  # the ball's half length and radius
    helmet = _solid(HELMET_COLOR, (HELMET_R_M / b, HELMET_R_M / a, HELMET_R_M * 1.1 / b))
    helmet.set_pos(0, -0.07, 0.04)
    helmet.reparent_to(head)
    visor = _solid(VISOR_COLOR, (0.11 / b, 0.035 / a, 0.045 / b))
    visor.set_pos(0, 0.05, 0.0)
    visor.reparent_to(head)
    return head


def _bubble() -> tuple[NodePath, TextNode]:
    tn = TextNode("cp-bubble")
    tn.set_align(TextNode.A_center)
    tn.set_text_color(0, 0, 0, 1)
    tn.set_card_as_margin(0.25, 0.25, 0.12, 0.08)
    tn.set_card_decal(True)
    np_ = NodePath(tn)
    np_.set_billboard_point_eye()
    np_.set_depth_write(False)
    np_.set_depth_test(False)
    np_.set_light_off(1)
    np_.set_bin("fixed", 45)
    return np_, tn


def _overlay_text(name: str, size: float, align: int) -> tuple[NodePath, TextNode]:
    tn = TextNode(name)
    tn.set_align(align)
    tn.set_text_color(1, 1, 1, 1)
    tn.set_shadow(0.05, 0.05)
    tn.set_shadow_color(0, 0, 0, 1)
    np_ = NodePath(tn)
    np_.set_scale(size)
    np_.set_bin("fixed", 200)
    return np_, tn


class SessionMarks:
    """The session review's marks for one rep (see the module docstring)."""

    def __init__(self, keys: list[tuple[str, int]], head_joint: int, aspect: float) -> None:
        self.root = NodePath("session-marks")
        self.overlay = NodePath("session-hud")
        self.head = _head()
        self.cone, self.line = _cone(), _line()
        self.dot = NodePath("gaze-dot")  # a ring facing the camera where the gaze landed, over the figures
        self.dot.set_billboard_point_eye()
        disc = ring_node(GAZE_COLOR, DOT_R_M)
        disc.set_p(90)
        disc.set_bin("fixed", 32)
        disc.reparent_to(self.dot)
        self.fixation = ring_node(GAZE_COLOR)
        for np_ in (self.head, self.cone, self.line, self.dot, self.fixation):
            np_.reparent_to(self.root)
        self.keys = ReceiverKeys(keys, head_joint)
        self.keys.root.reparent_to(self.root)
        self.head_joint = head_joint
        self.bubbles = {col: _bubble() for _, col in keys}
        for np_, _ in self.bubbles.values():
            np_.reparent_to(self.root)
        self.ghost = Ball()
        self.ghost.root.set_color_scale(1, 1, 1, GHOST_ALPHA)
        self.ghost.root.set_transparency(TransparencyAttrib.M_alpha)
        self.ghost.root.set_depth_write(False)
        self.ghost.root.reparent_to(self.root)
        self.ghost_trail = BallTrail(GHOST_COLOR, 0.55)
        self.ghost_trail.root.reparent_to(self.root)
        self.ghost_label = label_node("real", GHOST_COLOR)
        self.ghost_label.reparent_to(self.root)
        self.decision, self._decision = _overlay_text("decision", 0.042, TextNode.A_left)
        self.outcome, self._outcome = _overlay_text("outcome", 0.085, TextNode.A_center)
        for np_ in (self.decision, self.outcome):
            np_.reparent_to(self.overlay)
        self.layout(aspect)
        self.cp_shown: dict[int, float] = {}

    def layout(self, aspect: float) -> None:
        self.decision.set_pos(-aspect + 0.03, 0, 0.93)
        self.outcome.set_pos(0, 0, 0.78)

    def update(self, f: SessionFrame, joints: np.ndarray, eye: np.ndarray, px_per_rad: float,
               to_screen: Callable[[np.ndarray], tuple[float, float] | None], hud_top: float,
               aspect: float) -> None:
        """Place everything for one instant seen from the camera at `eye`."""
        self.layout(aspect)
        self._gaze(f.gaze, joints, eye)
        self.keys.update(joints, eye, px_per_rad)
        self._cp(f.cp, joints, eye, px_per_rad, to_screen, hud_top)
        self._ghost(f, eye, px_per_rad, to_screen, hud_top)
        _set(self._decision, f.decision)
        _set(self._outcome, f.outcome)
        word = f.outcome.split(" to ")[0]
        self._outcome.set_text_color(*OUTCOME_COLORS.get(word, (1.0, 0.85, 0.2)), 1)

    def _gaze(self, g: GazeState | None, joints: np.ndarray, cam: np.ndarray) -> None:
        parts = (self.head, self.cone, self.line, self.dot, self.fixation)
        if g is None or not np.all(np.isfinite(g.eye)):
            for np_ in parts:
                np_.hide()
            return
        eye = np.asarray(g.eye, np.float64)
        first_person = float(np.linalg.norm(cam - eye)) < 0.5
        _aim(self.head, eye, g.head)
        self.head.show() if not first_person else self.head.hide()
        end = np.asarray(g.point, np.float64) if g.point is not None else eye + GAZE_FAR_M * np.asarray(g.gaze)
        length = float(np.linalg.norm(end - eye))
        if length < 0.05:
            self.cone.hide()
            self.line.hide()
        else:
            r = length * np.tan(np.radians(CONE_DEG))
            for np_, sx in ((self.cone, r), (self.line, 1.0)):
                _aim(np_, eye, end - eye)
                np_.set_scale(sx, length, sx)
                np_.show()
        if g.point is not None:
            self.dot.show()
            self.dot.set_pos(*(float(c) for c in end))
        else:
            self.dot.hide()
        col = g.hit_col
        if col is not None and np.all(np.isfinite(joints[col, 0])):
            self.fixation.show()
            self.fixation.set_pos(float(joints[col, 0, 0]), float(joints[col, 0, 1]), 0.0)
        else:
            self.fixation.hide()

    def _cp(self, cp: dict[int, float], joints, eye, px_per_rad, to_screen, hud_top) -> None:
        self.cp_shown = {}
        for col, (np_, tn) in self.bubbles.items():
            v = cp.get(col)
            top = joints[col, self.head_joint]
            if v is None or not np.all(np.isfinite(top)):
                np_.hide()
                continue
            size = label_size(float(np.linalg.norm(top - eye)), px_per_rad)
            p = np.array([top[0], top[1], top[2] + LABEL_ABOVE_HEAD_M + LABEL_SIZE_M + CP_GAP_M + size / 2])
            s = to_screen(p)
            if s is None or s[1] < hud_top:
                np_.hide()
                continue
            tn.set_text(f"{v:.2f}")
            tn.set_card_color(*cp_color(v), 0.92)
            np_.set_pos(*(float(c) for c in p))
            np_.set_scale(size)
            np_.show()
            self.cp_shown[col] = v

    def _ghost(self, f: SessionFrame, eye, px_per_rad, to_screen, hud_top) -> None:
        g = f.ghost
        if g is None or not np.all(np.isfinite(g)):
            for np_ in (self.ghost.root, self.ghost_trail.root, self.ghost_label):
                np_.hide()
            return
        self.ghost.update(g, None if f.ghost_trail is None else (f.ghost_trail[-1] - f.ghost_trail[-2]) * 30.0)
        d = float(np.linalg.norm(g - eye))
        self.ghost.root.set_scale(ball_scale(d, px_per_rad))
        if f.ghost_trail is not None:
            self.ghost_trail.update(f.ghost_trail)
        size = label_size(d, px_per_rad) * 0.7
        p = np.array([g[0], g[1], g[2] + 0.3 + size / 2])
        s = to_screen(p)
        if s is None or s[1] < hud_top:
            self.ghost_label.hide()
        else:
            self.ghost_label.show()
            self.ghost_label.set_pos(*(float(c) for c in p))
            self.ghost_label.set_scale(size)


def _aim(np_: NodePath, origin: np.ndarray, direction) -> None:
    d = np.asarray(direction, np.float64)
    np_.set_pos(*(float(c) for c in origin))
    if np.linalg.norm(d) > 1e-9 and np.all(np.isfinite(d)):
        up = (0, 0, 1) if abs(d[2]) < 0.99 * np.linalg.norm(d) else (1, 0, 0)
        np_.look_at(LPoint3f(*(float(c) for c in origin + d)), LVector3f(*up))


def _set(tn: TextNode, text: str) -> None:
    if tn.get_text() != text:
        tn.set_text(text)
