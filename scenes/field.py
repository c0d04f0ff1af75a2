"""A regulation NFL field in the world frame (metres, Z up, x downfield toward the defense's end zone):
grass with 5-yard mowing stripes, end zones in team colours with team names, sidelines and end lines, yard
lines, hash marks, yard numbers, goal posts, the stadium around it (`scenes.stadium`); plus the play's line of
scrimmage and first-down line.

Built once per play and flattened: a handful of draw calls. The flat ground layers draw first without depth
(painter's order inside one mesh), so lines never z-fight with the grass at any distance.
"""

from __future__ import annotations

import numpy as np
from panda3d.core import NodePath, TextNode, TransparencyAttrib

from replay.field_frame import FIELD, YARD
from replay.play import PlayMeta

from . import palette
from .meshes import box, make_geom, rects
from .stadium import STANDS_GAP_YD, build_stadium

HASH_Y = (23.583, 29.75)  # NFL hash marks, yards from the near sideline (70'9" each side, 18'6" apart)
CROSSBAR_M, UPRIGHT_GAP_M, UPRIGHT_M = 3.05, 5.64, 10.67
SUN = np.asarray(palette.SUN, np.float32)


def _ground_layers(meta: PlayMeta, off: palette.Kit, dfn: palette.Kit) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All flat ground rectangles in painter's order, in yards: (vertices, colours, triangles)."""
    layers: list[tuple[tuple, tuple]] = []  # ((x0, y0, x1, y1) arrays, colour)

    def add(x0, y0, x1, y1, color):
        layers.append(((x0, y0, x1, y1), color))

    W, L, E = FIELD.width, FIELD.length, int(FIELD.end_zone)
    # the surround in four pieces around the field (not under it: one layer less of overdraw)
    # out to the stands (which start STANDS_GAP_YD out), not under them
    g = STANDS_GAP_YD + 0.5
    add([-g, -g, -g, L + 2], [-g, W + 2, -2, -2], [L + g, L + g, -2, L + g], [-2, W + g, W + 2, W + 2], palette.APRON)
    stripes = np.arange(E, L - E, 5, dtype=np.float32)
    even = (np.arange(len(stripes)) % 2) == 0
    add(stripes[even], 0, stripes[even] + 5, W, palette.GRASS)
    add(stripes[~even], 0, stripes[~even] + 5, W, palette.GRASS_ALT)
    add(0, 0, E, W, off.helmet)            # the offense's own end zone (behind it)
    add(L - E, 0, L, W, dfn.helmet)        # the end zone the defense protects
    # sidelines and end lines: 6 ft white border, out of bounds
    add([-2, -2, -2, L], [-2, W, -2, -2], [L + 2, L + 2, 0, L + 2], [0, W + 2, W + 2, W + 2], palette.LINE_WHITE)
    yl = np.arange(E + 5, L - E, 5, dtype=np.float32)
    add(yl - 0.055, 0, yl + 0.055, W, palette.LINE_WHITE)
    add([E - 0.11, L - E - 0.11], 0, [E + 0.11, L - E + 0.11], W, palette.LINE_WHITE)  # goal lines, 8 in
    hx = np.array([x for x in range(E + 1, int(L) - E) if x % 5], np.float32)
    for y0, y1 in ((0.33, 1.0), (HASH_Y[0] - 0.667, HASH_Y[0]), (HASH_Y[1], HASH_Y[1] + 0.667), (W - 1.0, W - 0.33)):
        add(hx - 0.055, y0, hx + 0.055, y1, palette.LINE_WHITE)
    if meta.los_x is not None and np.isfinite(meta.los_x):
        add(meta.los_x - 0.15, 0, meta.los_x + 0.15, W, palette.LOS_BLUE)
    fd = meta.first_down_x
    if fd is not None and np.isfinite(fd) and E < fd < L - E:
        add(fd - 0.15, 0, fd + 0.15, W, palette.FIRST_DOWN_YELLOW)

    verts, cols, tris, base = [], [], [], 0
    for (x0, y0, x1, y1), color in layers:
        n = max(np.size(x0), np.size(y0), np.size(x1), np.size(y1))
        x0, y0, x1, y1 = (np.broadcast_to(np.asarray(a, np.float32), (n,)) for a in (x0, y0, x1, y1))
        v, t = rects(x0, y0, x1, y1)
        verts.append(v)
        cols.append(np.tile(np.asarray(color, np.float32), (len(v), 1)))
        tris.append(t + base)
        base += len(v)
    return np.concatenate(verts) * YARD, np.concatenate(cols), np.concatenate(tris)


def _shaded(normals: np.ndarray, color) -> np.ndarray:
    """Vertex colours with a fixed sun baked in, so static boxes read as solids without lights."""
    k = 0.62 + 0.38 * np.clip(normals @ SUN, 0, 1)
    return np.asarray(color, np.float32)[None, :] * k[:, None]


def _goal_post(x_line: float, back: float) -> list[tuple]:
    """Boxes (lo, hi) in metres of one goal post behind the end line at `x_line` (m); `back` = +1 / -1."""
    cy = FIELD.centre_y * YARD
    t = 0.09
    base_x = x_line + back * 1.8
    out = [
        ((base_x - t * 1.5, cy - t * 1.5, 0), (base_x + t * 1.5, cy + t * 1.5, CROSSBAR_M - 0.6)),  # pole
        ((min(base_x, x_line), cy - t, CROSSBAR_M - 0.6 - t), (max(base_x, x_line), cy + t, CROSSBAR_M - 0.6 + t)),
        ((x_line - t, cy - t, CROSSBAR_M - 0.6), (x_line + t, cy + t, CROSSBAR_M)),  # gooseneck up
        ((x_line - t, cy - UPRIGHT_GAP_M / 2, CROSSBAR_M - t), (x_line + t, cy + UPRIGHT_GAP_M / 2, CROSSBAR_M + t)),
    ]
    for s in (-1, 1):
        y = cy + s * UPRIGHT_GAP_M / 2
        out.append(((x_line - t * 0.7, y - t * 0.7, CROSSBAR_M),
                    (x_line + t * 0.7, y + t * 0.7, CROSSBAR_M + UPRIGHT_M)))
    return out


def _solids() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Goal posts as shaded triangles in metres: (vertices, colours, triangles)."""
    verts, cols, tris, base = [], [], [], 0

    def add(v, n, t, color):
        nonlocal base
        verts.append(v)
        cols.append(_shaded(n, color))
        tris.append(t + base)
        base += len(v)

    for x_line, back in ((0.0, -1), (FIELD.length * YARD, 1)):
        for lo, hi in _goal_post(x_line, back):
            add(*box(lo, hi), palette.GOALPOST)
    return np.concatenate(verts), np.concatenate(cols), np.concatenate(tris)


def _text(parent: NodePath, text: str, pos, heading: float, height_m: float, color, sort: int) -> None:
    tn = TextNode("field-text")
    tn.set_text(text)
    tn.set_align(TextNode.A_center)
    tn.set_text_color(*color, 1.0)
    np_ = parent.attach_new_node(tn.generate())
    np_.set_pos(*pos)
    np_.set_hpr(heading, -90, 0)
    np_.set_scale(height_m / 0.72)  # digit cap height of the default font is ~0.72 units
    np_.set_bin("background", sort)


def build_field(meta: PlayMeta, kits: tuple[palette.Kit, palette.Kit]) -> NodePath:
    """The field for a play (team end zones, line of scrimmage, first-down line), flattened, at the world origin."""
    off, dfn = kits
    root = NodePath("field")
    v, c, t = _ground_layers(meta, off, dfn)
    ground = root.attach_new_node(make_geom(v, t, colors=c, name="ground"))
    ground.set_bin("background", 0)
    texts = root.attach_new_node("field-texts")
    W, E, G = FIELD.width, int(FIELD.end_zone), int(FIELD.goal_x)
    for x in range(E + 10, G, 10):
        label = str(min(x - E, G - x))
        # tops of the numbers 9 yd from each sideline, 6 ft tall, reading from the nearest sideline
        _text(texts, label, (x * YARD, 7.0 * YARD, 0), 0, 2 * YARD, palette.LINE_WHITE, 1)
        _text(texts, label, (x * YARD, (W - 7.0) * YARD, 0), 180, 2 * YARD, palette.LINE_WHITE, 1)
    for team, x, heading in ((off.team, E / 2, 90), (dfn.team, FIELD.length - E / 2, -90)):
        _text(texts, team, ((x - 1.8 if heading > 0 else x + 1.8) * YARD, W / 2 * YARD, 0), heading, 3.5 * YARD,
              palette.LINE_WHITE, 1)
    texts.set_transparency(TransparencyAttrib.M_alpha)
    for np_ in (ground, texts):
        np_.set_depth_write(False)
        np_.set_depth_test(False)
    v, c, t = _solids()
    solids = root.attach_new_node(make_geom(v, t, colors=c, name="solids"))
    solids.set_two_sided(True)
    root.set_light_off(1)
    root.flatten_strong()
    stadium = build_stadium(kits)  # its own node (flattened on its own), so views can leave it out
    stadium.flatten_strong()
    stadium.reparent_to(root)
    return root
