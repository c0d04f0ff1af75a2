"""Skeletal player figures drawn with hardware instancing: one instance per player of a figure mesh holding all
its capsules (limbs, joint spheres, helmet), in two levels of detail (near and far: two draw calls for every
player), and one instance per player of his two jersey number plates (one more draw call).

Per frame, `Figures.update(joints)` turns the `[P, J, 3]` joint array into one affine frame per segment (start
point, axis, radius-scaled cross axes: a few vectorised numpy operations over all players) and uploads them, in draw
order, into a buffer texture; the vertex shader only applies them. Mesa's llvmpipe shades vertices on one thread, so
the frame maths is done once per segment on the CPU rather than once per vertex, per instance, on the GPU.
Which segments exist, how thick they are and what colour they wear follows from the joint names and parents,
so any 29-joint skeleton (Motion's or the standing stand-in) draws without a table per skeleton.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from panda3d.core import GeomEnums, NodePath, OmniBoundingVolume, PNMImage, SamplerState, Texture

from replay.play import Play
from replay.player_sizes import play_sizes

from . import palette
from .meshes import make_geom, unit_capsule
from .shaders import capsule_shader, number_shader

DIGITS_PATH = palette.ASSETS / "digits.png"
REFERENCE_HEIGHT = 1.88

# Limb radius (m, for a 1.88 m player) and kit part, by the child joint's kind.
LIMBS = {
    "spine": (0.150, "jersey"), "neck": (0.165, "jersey"), "shoulder": (0.100, "jersey"),
    "elbow": (0.062, "jersey"), "wrist": (0.046, "skin"), "hand": (0.042, "glove"),
    "hip": (0.110, "pants"), "knee": (0.088, "pants"), "ankle": (0.060, "socks"),
    "heel": (0.045, "shoe"), "toe": (0.045, "shoe"),
}
PADS = {"knee": (0.095, "pad")}  # joint spheres
# Software rasterisers pay per triangle: thick parts get smooth capsules, thin limbs coarse ones.
DETAIL_THICK, DETAIL_THIN, THICK_M = (8, 2), (6, 1), 0.14
DETAIL_HELMET = (12, 4)  # lit per vertex (shaders.CAPSULE_VS): finer than the limbs, so close helmets stay round
# Level of detail: players farther than LOD_NEAR_M from the eye use the coarse figure (half the triangles).
LOD_NEAR_M = 12.0
DETAIL_FAR, DETAIL_FAR_SMALL, DETAIL_FAR_HELMET = (5, 1), (4, 1), (6, 2)
FAR_DROPPED = {"facemask", "pad"}
FAR_SMALL = {"glove", "shoe", "skin"}
HELMET_R, FACEMASK_R = 0.150, 0.045
FACE = {"nose", "eye", "ear", "mouth"}
DROPPED = {"heel"}  # the foot capsule (ankle to big toe) covers it


def joint_kind(name: str) -> str:
    """'l_knee' / 'LeftKnee' / 'left_knee' -> 'knee'; 'l_big_toe' -> 'toe'; 'mid_hip' -> 'pelvis'."""
    s = re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
    s = re.sub(r"^(l|r|left|right)_", "", s)
    if s in ("mid_hip", "pelvis", "root", "hips", "hip_center"):
        return "pelvis"
    if "toe" in s or "foot" in s:
        return "toe"
    if "head" in s:
        return "head"
    for k in ("spine", "chest", "neck", "shoulder", "elbow", "wrist", "hand", "hip", "knee", "ankle", "heel",
              *FACE):
        if k in s:
            return "spine" if k == "chest" else k
    return "other"


def joint_side(name: str) -> str:
    s = re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
    if re.match(r"^(l|left)_", s):
        return "l"
    if re.match(r"^(r|right)_", s):
        return "r"
    return ""


@dataclass
class FigureLayout:
    """Segments of one figure: start/end as weights over the joints (so helmets and plates can sit between
    joints), base radius and kit part."""

    start_w: np.ndarray  # [S, J]
    end_w: np.ndarray    # [S, J]
    radius: np.ndarray   # [S]
    part: list[str]
    chest: np.ndarray    # [J] weights of the number plate centre
    l_shoulder: int
    r_shoulder: int


def figure_layout(joint_names: list[str] | tuple[str, ...], parents: np.ndarray) -> FigureLayout:
    names = list(joint_names)
    J = len(names)
    kinds = [joint_kind(n) for n in names]
    sides = [joint_side(n) for n in names]
    onehot = np.eye(J, dtype=np.float32)
    sw, ew, rad, part = [], [], [], []
    for j, p in enumerate(np.asarray(parents).tolist()):
        if p < 0 or kinds[j] in FACE or kinds[j] in DROPPED or kinds[j] == "head":
            continue
        if kinds[j] == "toe" and "small" in names[j].lower():
            continue
        r, pt = LIMBS.get(kinds[j], (0.05, "jersey"))
        sw.append(onehot[p])
        ew.append(onehot[j])
        rad.append(r)
        part.append(pt)
        if kinds[j] in PADS:
            r2, pt2 = PADS[kinds[j]]
            sw.append(onehot[j])
            ew.append(onehot[j])
            rad.append(r2)
            part.append(pt2)

    def find(kind: str, side: str = "") -> int | None:
        for j in range(J):
            if kinds[j] == kind and (not side or sides[j] == side):
                return j
        return None

    neck, head, nose = find("neck"), find("head"), find("nose")
    pelvis, spine = find("pelvis"), find("spine")
    if neck is not None and head is not None:
        helmet = 0.4 * onehot[neck] + 0.6 * onehot[head]
        sw.append(helmet)
        ew.append(helmet)
        rad.append(HELMET_R)
        part.append("helmet")
        if nose is not None:
            # a bar across the face; the ears give its direction
            mask = -0.55 * helmet + 1.55 * onehot[nose] - 0.5 * (onehot[head] - onehot[neck]) * 0.12
            le, re_ = find("ear", "l"), find("ear", "r")
            across = 0.35 * (onehot[le] - onehot[re_]) if le is not None and re_ is not None else 0 * mask
            sw.append(mask + across)
            ew.append(mask - across)
            rad.append(FACEMASK_R)
            part.append("facemask")
    if spine is not None and neck is not None:
        chest = 0.45 * onehot[spine] + 0.55 * onehot[neck]
    elif pelvis is not None and neck is not None:
        chest = 0.3 * onehot[pelvis] + 0.7 * onehot[neck]
    else:
        chest = onehot[0]
    ls, rs = find("shoulder", "l"), find("shoulder", "r")
    if ls is None or rs is None:
        raise ValueError(f"skeleton has no left/right shoulder joints: {names}")
    return FigureLayout(np.array(sw), np.array(ew), np.array(rad, np.float32), part, chest.astype(np.float32), ls, rs)


def figure_mesh(radius: np.ndarray, parts: list[str] | None = None, *, far: bool = False):
    """One whole figure as a GeomNode: a capsule per segment, each vertex tagged with its segment index (column
    `segment`), tessellated by the segment's thickness. `far`: the distant version beyond `LOD_NEAR_M`, coarse
    and without knee pads and facemask (a third of the triangles)."""
    verts, tris, seg, base = [], [], [], 0
    for k, r in enumerate(np.asarray(radius).tolist()):
        part = parts[k] if parts is not None else ""
        if far:
            if part in FAR_DROPPED:
                continue
            detail = (DETAIL_FAR_HELMET if part == "helmet" else DETAIL_FAR_SMALL if part in FAR_SMALL
                      else DETAIL_FAR)
        elif part == "helmet":
            detail = DETAIL_HELMET  # the part seen closest and most often: round, not faceted
        else:
            detail = DETAIL_THICK if r >= THICK_M else DETAIL_THIN
        v, t = unit_capsule(*detail)
        verts.append(v)
        tris.append(t + base)
        seg.append(np.full(len(v), k, np.float32))
        base += len(v)
    return make_geom(np.concatenate(verts), np.concatenate(tris), extra={"segment": np.concatenate(seg)},
                     name="figure-far" if far else "figure")


def _buffer_texture(name: str, n_texels: int, dynamic: bool) -> Texture:
    tex = Texture(name)
    tex.setup_buffer_texture(n_texels, Texture.T_float, Texture.F_rgba32,
                             GeomEnums.UH_dynamic if dynamic else GeomEnums.UH_static)
    return tex


def load_digit_atlas(path: Path = DIGITS_PATH) -> Texture:
    img = PNMImage()
    if not img.read(str(path)):
        from replay.errors import InputError
        raise InputError(path, "cannot read the jersey digit atlas", expected="a PNG image")
    tex = Texture("digits")
    tex.load(img)
    tex.set_minfilter(SamplerState.FT_linear_mipmap_linear)
    tex.set_magfilter(SamplerState.FT_linear)
    tex.set_wrap_u(SamplerState.WM_clamp)
    tex.set_wrap_v(SamplerState.WM_clamp)
    return tex


class Figures:
    """Instanced figures of one play's players. `root` holds two nodes: capsules and number plates."""

    def __init__(self, play: Play, joint_names, parents, kits: tuple[palette.Kit, palette.Kit]):
        self.layout = lay = figure_layout(joint_names, parents)
        P, S = play.n_players, len(lay.radius)
        self.n_players, self.n_segments = P, S
        h, w, _ = play_sizes(play)
        scale = np.where(np.isfinite(h) & (h > 1.4), h / REFERENCE_HEIGHT, 1.0).astype(np.float32)
        girth = np.where(np.isfinite(w) & (w > 50), np.clip((w / 110.0) ** 0.5, 0.85, 1.25), 1.0)
        self.radius = (lay.radius[None, :] * (scale * girth)[:, None]).astype(np.float32)  # [P, S]
        self.visible = np.ones(P, np.float32)
        is_off = np.asarray(play.roster.side) == "off"
        self.kits = kits

        colors = np.zeros((P, S, 4), np.float32)
        colors[..., 3] = 1
        for i in range(P):
            kit = kits[0] if is_off[i] else kits[1]
            table = {"jersey": kit.primary, "helmet": kit.helmet, "socks": kit.helmet, "pants": palette.PANTS,
                     "pad": palette.PANTS,
                     "skin": palette.SKIN, "glove": kit.secondary, "shoe": palette.SHOE,
                     "facemask": palette.FACEMASK}
            colors[i, :, :3] = [table.get(pt, kit.primary) for pt in lay.part]
        self._seg = np.zeros((P, S, 2, 4), np.float32)  # (start.xyz, radius), (end.xyz, 0) per segment
        # per segment, 4 rows: rows 0-2 = (radius * x, radius * y, radius * z, end - start) per coordinate, where
        # x, y, z is the segment's frame (z along it); row 3 = (start, colour packed as 0xRRGGBB in a float)
        self._frames = np.zeros((P, S, 4, 4), np.float32)
        rgb = np.round(np.clip(colors[..., :3], 0, 1) * 255).astype(np.int64)
        self._frames[:, :, 3, 3] = (rgb[..., 0] << 16 | rgb[..., 1] << 8 | rgb[..., 2]).astype(np.float32)
        self._frames_drawn = np.zeros_like(self._frames)  # the frames in instance-slot order, as uploaded
        self.seg_tex = _buffer_texture("segment-frames", P * S * 4, True)

        # instance -> player: near players first, then far ones; hidden players are not drawn at all
        self._order = np.zeros((P, 4), np.float32)
        self._order[:, 0] = np.arange(P)
        self._slots = np.arange(P)
        self.order_tex = _buffer_texture("order", P, True)
        self.order_tex.set_ram_image(self._order)
        self.root = NodePath("figures")
        self.root.set_shader_input("order", self.order_tex)
        self.root.set_shader_input("frames", self.seg_tex)
        self.root.set_shader_input("n_segments", S)
        self.capsules = self.root.attach_new_node(figure_mesh(lay.radius, lay.part))
        self.capsules_far = self.root.attach_new_node(figure_mesh(lay.radius, lay.part, far=True))
        for np_, offset in ((self.capsules, 0), (self.capsules_far, 0)):
            np_.set_shader(capsule_shader())
            np_.set_shader_input("order_offset", offset)
            np_.node().set_bounds(OmniBoundingVolume())
            np_.node().set_final(True)
        self.capsules.set_instance_count(P)
        self.capsules_far.set_instance_count(0)
        self._shown = np.ones(P, np.float32)
        self._root_pos = np.zeros((P, 3), np.float32)
        self.n_near = P

        # number plates: front and back of every player
        jersey = np.asarray(play.roster.jersey, np.int32)
        digits = np.zeros((P, 2, 2, 4), np.float32)
        for i in range(P):
            n = int(jersey[i])
            kit = kits[0] if is_off[i] else kits[1]
            if n < 0:
                tens, ones = -1.0, -1.0
            else:
                tens, ones = (float(n // 10) if n >= 10 else -1.0), float(n % 10)
            digits[i, :, 0, :2] = (tens, ones)
            digits[i, :, 1, :3] = kit.number
            digits[i, :, 1, 3] = 1
        self._has_number = (jersey >= 0).astype(np.float32)
        self._plate = np.zeros((P, 2, 2, 4), np.float32)
        self.plate_tex = _buffer_texture("plates", P * 2 * 2, True)
        dig_tex = _buffer_texture("plate-digits", P * 2 * 2, False)
        dig_tex.set_ram_image(digits.tobytes())
        quad = np.array([(-1, -1, 0, 1), (1, -1, 0, 1), (1, 1, 0, 1), (-1, 1, 0, 1)], np.float32)
        qnode = make_geom(np.concatenate([quad, quad]), np.array([(0, 1, 2), (0, 2, 3), (4, 5, 6), (4, 6, 7)]),
                          extra={"plate": np.repeat(np.float32([0, 1]), 4)}, name="number-plates")
        self.plates = self.root.attach_new_node(qnode)
        self.plates.set_shader(number_shader())
        self.plates.set_shader_input("plates", self.plate_tex)
        self.plates.set_shader_input("digits", dig_tex)
        self.plates.set_shader_input("atlas", load_digit_atlas())
        self.plates.set_shader_input("order_offset", 0)
        self.plates.set_two_sided(True)
        self.plates.set_instance_count(P)
        qnode.set_bounds(OmniBoundingVolume())
        qnode.set_final(True)
        self._plate_half = (0.13 * scale * girth, 0.11 * scale)
        self._chest_r = (LIMBS["neck"][0] * scale * girth + 0.012).astype(np.float32)

    def set_eye(self, eye) -> None:
        """Choose each player's level of detail by his distance from the eye (metres) and draw only the players
        that are shown. Call after `update` once the camera is placed; without it every player is drawn near."""
        d = np.linalg.norm(self._root_pos - np.asarray(eye, np.float32)[None, :], axis=1)
        shown = self._shown > 0
        near = np.flatnonzero(shown & (d < LOD_NEAR_M))
        far = np.flatnonzero(shown & (d >= LOD_NEAR_M))
        n_near, n_far = len(near), len(far)
        self._slots = np.concatenate([near, far])
        self._order[: n_near + n_far, 0] = self._slots
        self.order_tex.set_ram_image(self._order)
        self._upload_frames()
        self.capsules.set_instance_count(n_near)
        self.capsules_far.set_shader_input("order_offset", n_near)
        self.capsules_far.set_instance_count(n_far)
        self.plates.set_instance_count(n_near + n_far)
        self.n_near = n_near

    def set_hidden(self, player: int | None) -> None:
        """Hide one player (the one whose eyes the camera uses), or none."""
        self.visible[:] = 1
        if player is not None:
            self.visible[player] = 0

    def update(self, joints: np.ndarray) -> None:
        """Upload one frame of joints `[P, J, 3]` (NaN rows hide the player)."""
        lay = self.layout
        ok = np.isfinite(joints).all(axis=(1, 2))
        J = np.where(ok[:, None, None], joints, 0.0).astype(np.float32, copy=False)
        vis = self.visible * ok
        self._shown = vis
        self._root_pos = J[:, 0]
        seg = self._seg
        np.matmul(lay.start_w, J, out=seg[:, :, 0, :3])
        np.matmul(lay.end_w, J, out=seg[:, :, 1, :3])
        seg[:, :, 0, 3] = self.radius * vis[:, None]
        self._segment_frames()
        self._upload_frames()

        right = J[:, lay.r_shoulder] - J[:, lay.l_shoulder]
        fwd = np.stack([-right[:, 1], right[:, 0]], -1)
        fwd /= np.maximum(np.linalg.norm(fwd, axis=1, keepdims=True), 1e-6)
        side = np.stack([fwd[:, 1], -fwd[:, 0]], -1)  # the player's right, horizontal
        chest = lay.chest @ J  # [P, 3]
        plate = self._plate
        r = self._chest_r[:, None]
        half_w, half_h = self._plate_half
        shown = vis * self._has_number
        for k, sign in ((0, 1.0), (1, -1.0)):  # front: reads toward the player's left; back: toward his right
            plate[:, k, 0, :2] = chest[:, :2] + sign * fwd * r
            plate[:, k, 0, 2] = chest[:, 2]
            plate[:, k, 0, 3] = half_h * shown
            plate[:, k, 1, :2] = -sign * side * (half_w * shown)[:, None]
        self.plate_tex.set_ram_image(plate)

    def _segment_frames(self) -> None:
        """Segment endpoints and radii (`_seg`) -> affine frames (`_frames`) for the vertex shader, all at once:
        z along the segment, x perpendicular to z and to the vertical (or to the field's x axis when z is nearly
        vertical), y = z cross x."""
        seg, fr = self._seg, self._frames
        a, r = seg[:, :, 0, :3], seg[:, :, 0, 3]
        axis = seg[:, :, 1, :3] - a
        length = np.sqrt(np.einsum("psk,psk->ps", axis, axis))
        ok = length > 1e-5
        inv = np.where(ok, 1.0 / np.maximum(length, 1e-5), 0.0).astype(np.float32)
        z0, z1, z2 = axis[..., 0] * inv, axis[..., 1] * inv, np.where(ok, axis[..., 2] * inv, 1.0)
        upright = np.abs(z2) >= 0.9
        # x = normalize(cross(h, z)), h = (0, 0, 1) or, for upright segments, (1, 0, 0)
        x0, x1, x2 = np.where(upright, 0.0, -z1), np.where(upright, -z2, z0), np.where(upright, z1, 0.0)
        s = r / np.sqrt(x0 * x0 + x1 * x1 + x2 * x2)  # radius-scaled, so the shader needs no per-segment radius
        x0, x1, x2 = x0 * s, x1 * s, x2 * s
        fr[:, :, 0, 0], fr[:, :, 1, 0], fr[:, :, 2, 0] = x0, x1, x2
        fr[:, :, 0, 1] = z1 * x2 - z2 * x1  # y = z cross x (already radius-scaled)
        fr[:, :, 1, 1] = z2 * x0 - z0 * x2
        fr[:, :, 2, 1] = z0 * x1 - z1 * x0
        fr[:, :, 0, 2], fr[:, :, 1, 2], fr[:, :, 2, 2] = z0 * r, z1 * r, z2 * r
        fr[:, :, :3, 3] = axis
        fr[:, :, 3, :3] = a

    def _upload_frames(self) -> None:
        """Upload the frames of the drawn players in instance-slot order (`_slots`: near ones, then far ones)."""
        n = len(self._slots)
        np.take(self._frames, self._slots, axis=0, out=self._frames_drawn[:n])
        self.seg_tex.set_ram_image(self._frames_drawn)
