"""The stadium around the field: a two-tier bowl of stands filled with a crowd, four light towers and a sky that
darkens from a hazy horizon to a deeper zenith, so the field sits in a place with depth rather than in front of
a flat wall under a flat sky.

Everything is static, vertex-coloured (the sun baked in, as on the goal posts) and built once per play:
the crowd is one procedurally drawn texture of seated silhouettes (heads and shoulders in shirt colours, some
seats empty) tiled along both tiers, so it costs a texture lookup per pixel, not a triangle per fan.
"""

from __future__ import annotations

import numpy as np
from panda3d.core import NodePath, SamplerState, Texture, TextureStage

from replay.field_frame import FIELD, YARD

from . import palette
from .meshes import box, make_geom

STANDS_GAP_YD = 12.0  # from the field's edge to the front wall of the stands
# Cross-section of the bowl going outward from the front wall: (metres out, metres up, surface), surface
# "wall" (a dark facade) or "crowd" (seats, textured) for the piece that ends at that point.
PROFILE = ((0.0, 0.0, ""), (0.0, 2.4, "wall"), (24.0, 14.0, "crowd"), (25.0, 19.0, "wall"),
           (46.0, 29.0, "crowd"), (46.5, 31.5, "wall"))
CROWD_TILE_M = (24.0, 6.0)  # the crowd texture covers this much stand (along, up the slope)
CROWD_PX_PER_M = 16
ROW_M, SEAT_M = 0.85, 0.52  # row depth along the slope, seat width
EMPTY_SEATS = 0.12
SEAT_COLOR = (0.20, 0.22, 0.27)
TOWER_OUT_M, TOWER_M = 56.0, 58.0  # light towers: out from the front wall at the corners, and tall
SKY_HORIZON, SKY_ZENITH = (0.80, 0.86, 0.92), (0.30, 0.50, 0.78)
SKY_RADIUS_M = 1200.0


def crowd_image(rng: np.random.Generator, shirts: list[tuple[float, float, float]]) -> np.ndarray:
    """RGB float image [H, W, 3] (row 0 at the bottom of the stand) of rows of seated fans: a head over a pair
    of shoulders per seat, shirts drawn from `shirts`, skin in a range of tones, some seats empty."""
    w, h = (int(round(s * CROWD_PX_PER_M)) for s in CROWD_TILE_M)
    img = np.empty((h, w, 3), np.float32)
    img[:] = SEAT_COLOR
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32) / CROWD_PX_PER_M  # metres up the slope, along the stand
    row = np.floor(yy / ROW_M)
    img[(yy - row * ROW_M) < 0.08] *= 0.6  # the step of each row
    n_rows, n_seats = int(CROWD_TILE_M[1] / ROW_M), int(CROWD_TILE_M[0] / SEAT_M)
    for r in range(n_rows):
        for s in range(n_seats):
            if rng.random() < EMPTY_SEATS:
                continue
            cx = (s + 0.5 + rng.uniform(-0.12, 0.12)) * SEAT_M
            base = r * ROW_M + 0.12
            shirt = np.asarray(shirts[rng.integers(len(shirts))], np.float32) * rng.uniform(0.75, 1.0)
            skin = np.asarray((0.85, 0.64, 0.50), np.float32) * rng.uniform(0.35, 1.0)
            i0, i1 = int(base * CROWD_PX_PER_M), min(h, int((base + 0.66) * CROWD_PX_PER_M) + 1)
            j0, j1 = max(0, int((cx - 0.25) * CROWD_PX_PER_M)), min(w, int((cx + 0.25) * CROWD_PX_PER_M) + 1)
            x, y = xx[i0:i1, j0:j1] - cx, yy[i0:i1, j0:j1] - base
            body = (np.abs(x) < 0.20) & (y > 0) & (y < 0.42) & ~((y > 0.30) & (np.abs(x) > 0.20 - (y - 0.30)))
            head = x ** 2 + (y - 0.53) ** 2 < 0.105 ** 2
            patch = img[i0:i1, j0:j1]
            patch[body] = shirt
            patch[head] = skin
    return img


def crowd_texture(kits: tuple[palette.Kit, palette.Kit], seed: int = 7) -> Texture:
    """The crowd texture: fans in both teams' colours and everyday neutrals, mipmapped, repeating."""
    shirts = [kits[0].primary, kits[1].primary, kits[0].secondary, kits[1].primary,
              (0.92, 0.92, 0.90), (0.15, 0.15, 0.18), (0.35, 0.38, 0.45), (0.55, 0.12, 0.12), (0.20, 0.28, 0.50),
              (0.60, 0.58, 0.52)]
    img = crowd_image(np.random.default_rng(seed), shirts)
    h, w, _ = img.shape
    rgb = np.round(np.clip(img, 0, 1) * 255).astype(np.uint8)
    tex = Texture("crowd")
    tex.setup_2d_texture(w, h, Texture.T_unsigned_byte, Texture.F_rgb8)
    tex.set_ram_image_as(np.ascontiguousarray(rgb).tobytes(), "RGB")
    # one mip level per lookup and a small texture: llvmpipe pays per texel fetched, and the stands fill a
    # large part of every view (a 40 px/m trilinear crowd cost more than the 22 players)
    tex.set_minfilter(SamplerState.FT_linear_mipmap_nearest)
    tex.set_magfilter(SamplerState.FT_linear)
    tex.set_wrap_u(SamplerState.WM_repeat)
    tex.set_wrap_v(SamplerState.WM_repeat)
    return tex


def _ring(d: float) -> np.ndarray:
    """The rectangle [4, 2] (metres) `d` metres out from the stands' front wall, counter-clockwise."""
    g = STANDS_GAP_YD * YARD + d
    L, W = FIELD.length * YARD, FIELD.width * YARD
    return np.array([(-g, -g), (L + g, -g), (L + g, W + g), (-g, W + g)], np.float32)


def bowl_mesh(surface: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The pieces of the bowl of one surface ("wall" or "crowd") on all four sides: (vertices, shaded colours,
    triangles, uvs). UVs run along the side and up the slope in crowd-texture tiles."""
    SUN = np.asarray(palette.SUN, np.float32)
    verts, cols, tris, uvs = [], [], [], []
    slope = 0.0
    for (d0, z0, _), (d1, z1, kind) in zip(PROFILE[:-1], PROFILE[1:]):
        run = float(np.hypot(d1 - d0, z1 - z0))
        if kind == surface:
            inner, outer = _ring(d0), _ring(d1)
            for k in range(4):
                a, b, c, e = inner[k], inner[(k + 1) % 4], outer[(k + 1) % 4], outer[k]
                v = np.array([(*a, z0), (*b, z0), (*c, z1), (*e, z1)], np.float32)
                n = np.cross(v[1] - v[0], v[3] - v[0])
                n /= np.linalg.norm(n)
                along = 0 if k % 2 == 0 else 1  # sides 0 and 2 run along x, 1 and 3 along y
                u = v[:, along] / CROWD_TILE_M[0]
                w = np.array([slope, slope, slope + run, slope + run]) / CROWD_TILE_M[1]
                base = sum(len(x) for x in verts)
                verts.append(v)
                shade = 0.62 + 0.38 * max(float(n @ SUN), 0.0)
                color = SEAT_COLOR if kind == "wall" else (1.0, 1.0, 1.0)
                cols.append(np.tile(np.asarray(color, np.float32) * shade, (4, 1)))
                tris.append(np.array([(0, 1, 2), (0, 2, 3)], np.uint32) + base)
                uvs.append(np.stack([u, w], -1))
        slope += run
    return np.concatenate(verts), np.concatenate(cols), np.concatenate(tris), np.concatenate(uvs)


def _rotated_box(lo, hi, heading: float, about: np.ndarray):
    """A box turned by `heading` radians about the vertical through `about`."""
    v, n, t = box(lo, hi)
    c, s = np.cos(heading), np.sin(heading)
    rot = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]], np.float32)
    return (v - about) @ rot.T + about, n @ rot.T, t


def light_towers() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Four corner light towers: a lattice pole and a bank of lamps facing the field centre."""
    SUN = np.asarray(palette.SUN, np.float32)
    centre = np.array([FIELD.length * YARD / 2, FIELD.width * YARD / 2, 0.0], np.float32)
    verts, cols, tris = [], [], []
    for x, y in _ring(TOWER_OUT_M):
        p = np.array([x, y, 0.0], np.float32)
        heading = float(np.arctan2(centre[1] - y, centre[0] - x)) + np.pi / 2  # bank's face toward the centre
        parts = [((x - 0.7, y - 0.7, 0), (x + 0.7, y + 0.7, TOWER_M), (0.45, 0.46, 0.48)),
                 ((x - 6.0, y - 0.6, TOWER_M - 1), (x + 6.0, y + 0.6, TOWER_M + 6.0), (0.22, 0.23, 0.26))]
        for i in range(4):
            for j in range(3):
                lx, lz = x - 5.0 + i * 2.8, TOWER_M + j * 1.9
                parts.append(((lx, y - 0.9, lz - 0.3), (lx + 1.6, y - 0.6, lz + 1.2), (1.0, 0.98, 0.86)))
        for lo, hi, color in parts:
            v, n, t = _rotated_box(lo, hi, heading, p)
            bright = color[0] > 0.9
            k = np.ones(len(n)) if bright else 0.62 + 0.38 * np.clip(n @ SUN, 0, 1)
            tris.append(t + sum(len(a) for a in verts))
            verts.append(v)
            cols.append(np.asarray(color, np.float32)[None, :] * k[:, None])
    return np.concatenate(verts), np.concatenate(cols), np.concatenate(tris)


def sky_dome(slices: int = 24, stacks: int = 8) -> NodePath:
    """A hemisphere around the field, coloured from the horizon haze to the zenith (plus a skirt below the
    horizon in the haze colour); drawn first, behind everything, without depth."""
    el = np.concatenate([[-0.35], np.linspace(0.0, np.pi / 2, stacks + 1)])
    az = np.linspace(0, 2 * np.pi, slices + 1)
    e, a = np.meshgrid(el, az, indexing="ij")
    r = SKY_RADIUS_M
    centre = np.array([FIELD.length * YARD / 2, FIELD.width * YARD / 2, 0.0], np.float32)
    v = np.stack([r * np.cos(e) * np.cos(a), r * np.cos(e) * np.sin(a), r * np.sin(e)], -1).reshape(-1, 3) + centre
    k = np.clip(np.sin(e), 0, 1).reshape(-1, 1) ** 0.6
    c = (1 - k) * np.asarray(SKY_HORIZON, np.float32) + k * np.asarray(SKY_ZENITH, np.float32)
    cols = slices + 1
    tris = []
    for i in range(len(el) - 1):
        for j in range(slices):
            p0, p1, p2, p3 = i * cols + j, i * cols + j + 1, (i + 1) * cols + j, (i + 1) * cols + j + 1
            tris += [(p0, p1, p3), (p0, p3, p2)]
    sky = NodePath(make_geom(v.astype(np.float32), np.array(tris, np.uint32), colors=c, name="sky"))
    sky.set_two_sided(True)
    sky.set_bin("background", -10)
    sky.set_depth_write(False)
    sky.set_depth_test(False)
    sky.set_light_off(1)
    return sky


def build_stadium(kits: tuple[palette.Kit, palette.Kit]) -> NodePath:
    """Stands (two tiers of crowd behind a front wall), light towers and the sky, flattened."""
    root = NodePath("stadium")
    v, c, t, uv = bowl_mesh("crowd")
    crowd = root.attach_new_node(make_geom(v, t, colors=c, uvs=uv, name="crowd"))
    crowd.set_texture(TextureStage.get_default(), crowd_texture(kits))
    v, c, t, _ = bowl_mesh("wall")
    root.attach_new_node(make_geom(v, t, colors=c, name="stand-walls"))
    v, c, t = light_towers()
    root.attach_new_node(make_geom(v, t, colors=c, name="light-towers"))
    sky_dome().reparent_to(root)
    root.set_two_sided(True)
    root.set_light_off(1)
    return root
