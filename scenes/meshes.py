"""Meshes built from numpy arrays: the generic Geom builder, the unit capsule of the instanced figures,
boxes and flat rectangles for static scenery."""

from __future__ import annotations

import numpy as np
from panda3d.core import (
    Geom,
    GeomEnums,
    GeomNode,
    GeomTriangles,
    GeomVertexArrayFormat,
    GeomVertexData,
    GeomVertexFormat,
    InternalName,
    SamplerState,
    Texture,
)


def _format(with_normal: bool, with_color: bool, extra: tuple[str, ...] = (), with_uv: bool = False
            ) -> GeomVertexFormat:
    arr = GeomVertexArrayFormat()
    arr.add_column(InternalName.get_vertex(), 4 if not (with_normal or with_color or with_uv) else 3,
                   GeomEnums.NT_float32, GeomEnums.C_point)
    for name in extra:
        arr.add_column(InternalName.make(name), 1, GeomEnums.NT_float32, GeomEnums.C_other)
    if with_normal:
        arr.add_column(InternalName.get_normal(), 3, GeomEnums.NT_float32, GeomEnums.C_normal)
    if with_color:
        arr.add_column(InternalName.get_color(), 4, GeomEnums.NT_float32, GeomEnums.C_color)
    if with_uv:
        arr.add_column(InternalName.get_texcoord(), 2, GeomEnums.NT_float32, GeomEnums.C_texcoord)
    fmt = GeomVertexFormat()
    fmt.add_array(arr)
    return GeomVertexFormat.register_format(fmt)


def make_geom(vertices: np.ndarray, triangles: np.ndarray, *, normals: np.ndarray | None = None,
              colors: np.ndarray | None = None, extra: dict[str, np.ndarray] | None = None,
              uvs: np.ndarray | None = None, name: str = "mesh") -> GeomNode:
    """One GeomNode from float vertices [N,3] (or [N,4] for shader-interpreted data), optional normals [N,3]
    and RGB(A) colours [N,3|4], and int triangles [T,3]. Triangle order is kept (painter's order matters for
    the flat field layers). `extra` adds named one-float columns that shaders read as `in float NAME`; `uvs` [N,2]
    texture coordinates."""
    v = np.asarray(vertices, np.float32)
    extra = extra or {}
    cols = [v] + [np.asarray(a, np.float32).reshape(-1, 1) for a in extra.values()]
    if normals is not None:
        cols.append(np.asarray(normals, np.float32))
    if colors is not None:
        c = np.asarray(colors, np.float32)
        if c.shape[1] == 3:
            c = np.concatenate([c, np.ones((len(c), 1), np.float32)], 1)
        cols.append(c)
    if uvs is not None:
        cols.append(np.asarray(uvs, np.float32))
    if v.shape[1] == 4 and (normals is not None or colors is not None or uvs is not None):
        raise ValueError("4-component vertices carry shader data and take no normals or colours")
    data = np.ascontiguousarray(np.concatenate(cols, 1), np.float32)
    fmt = _format(normals is not None, colors is not None, tuple(extra), uvs is not None)
    vdata = GeomVertexData(name, fmt, Geom.UH_static)
    vdata.unclean_set_num_rows(len(v))
    memoryview(vdata.modify_array(0)).cast("B").cast("f")[:] = data.ravel()
    tris = GeomTriangles(Geom.UH_static)
    tris.set_index_type(GeomEnums.NT_uint32)
    idx = np.ascontiguousarray(np.asarray(triangles, np.uint32).ravel())
    handle = tris.modify_vertices()
    handle.unclean_set_num_rows(len(idx))
    memoryview(handle).cast("B").cast("I")[:] = idx
    geom = Geom(vdata)
    geom.add_primitive(tris)
    node = GeomNode(name)
    node.add_geom(geom)
    return node


def unit_capsule(slices: int = 8, rings: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Vertices [N,4] of a capsule for the instancing shader: xyz is the unit offset (and normal) in a frame whose
    z runs along the segment, w picks the end (0 = start, 1 = end). One vertex per pole and `slices` per ring
    (no seam or pole duplicates: software vertex processing pays per vertex). Returns (vertices, triangles)."""
    rings_lat = [(-np.pi / 2 + (np.pi / 2) * k / rings, 0.0) for k in range(1, rings + 1)]  # start cap to equator
    rings_lat += [((np.pi / 2) * k / rings, 1.0) for k in range(0, rings)]  # equator to end cap
    ang = 2 * np.pi * np.arange(slices) / slices
    verts = [(0.0, 0.0, -1.0, 0.0)]
    for phi, end in rings_lat:
        c, s_ = np.cos(phi), np.sin(phi)
        verts += [(c * np.cos(a), c * np.sin(a), s_, end) for a in ang]
    verts.append((0.0, 0.0, 1.0, 1.0))
    last = len(verts) - 1
    n_rings = len(rings_lat)
    tris = []
    for q in range(slices):  # start pole fan
        tris.append((0, 1 + (q + 1) % slices, 1 + q))
    for r in range(n_rings - 1):
        for q in range(slices):
            a, b = 1 + r * slices + q, 1 + r * slices + (q + 1) % slices
            c_, d = a + slices, b + slices
            tris += [(a, b, d), (a, d, c_)]
    base = 1 + (n_rings - 1) * slices
    for q in range(slices):  # end pole fan
        tris.append((base + q, base + (q + 1) % slices, last))
    return np.array(verts, np.float32), np.array(tris, np.uint32)


def rects(x0, y0, x1, y1, z: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Axis-aligned flat rectangles (arrays of corners) at height z, facing up. Returns (vertices [4R,3],
    triangles [2R,3]) in the given order."""
    x0, y0, x1, y1 = (np.atleast_1d(np.asarray(a, np.float32)) for a in (x0, y0, x1, y1))
    n = len(x0)
    v = np.empty((n, 4, 3), np.float32)
    v[:, 0] = np.stack([x0, y0, np.full(n, z)], -1)
    v[:, 1] = np.stack([x1, y0, np.full(n, z)], -1)
    v[:, 2] = np.stack([x1, y1, np.full(n, z)], -1)
    v[:, 3] = np.stack([x0, y1, np.full(n, z)], -1)
    base = (np.arange(n) * 4)[:, None]
    t = np.concatenate([base + [0, 1, 2], base + [0, 2, 3]], 1).reshape(-1, 3)
    return v.reshape(-1, 3), t.astype(np.uint32)


def box(lo, hi) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An axis-aligned box: (vertices [24,3], normals [24,3], triangles [12,3]) with outward faces."""
    lo, hi = np.asarray(lo, np.float32), np.asarray(hi, np.float32)
    verts, norms, tris = [], [], []
    for axis in range(3):
        for sign in (-1, 1):
            n = np.zeros(3, np.float32)
            n[axis] = sign
            u, w = (axis + 1) % 3, (axis + 2) % 3
            if sign < 0:
                u, w = w, u
            quad = []
            for a, b in ((0, 0), (1, 0), (1, 1), (0, 1)):
                p = np.zeros(3, np.float32)
                p[axis] = hi[axis] if sign > 0 else lo[axis]
                p[u] = hi[u] if a else lo[u]
                p[w] = hi[w] if b else lo[w]
                quad.append(p)
            base = len(verts)
            verts.extend(quad)
            norms.extend([n] * 4)
            tris.extend([(base, base + 1, base + 2), (base, base + 2, base + 3)])
    return np.array(verts), np.array(norms), np.array(tris, np.uint32)


def radial_alpha_texture(name: str, alpha_of_r, size: int = 64, clamp: bool = False) -> Texture:
    """A white RGBA texture whose alpha is `alpha_of_r(r)` (r: distance from the centre, 1 at the edge's middle)."""
    y, x = (np.mgrid[0:size, 0:size] + 0.5) / size * 2 - 1
    a = alpha_of_r(np.sqrt(x * x + y * y))
    rgba = np.zeros((size, size, 4), np.uint8)
    rgba[..., :3] = 255
    rgba[..., 3] = np.round(a * 255).astype(np.uint8)
    tex = Texture(name)
    tex.setup_2d_texture(size, size, Texture.T_unsigned_byte, Texture.F_rgba8)
    tex.set_ram_image_as(rgba.tobytes(), "RGBA")
    tex.set_minfilter(SamplerState.FT_linear)
    tex.set_magfilter(SamplerState.FT_linear)
    if clamp:
        tex.set_wrap_u(SamplerState.WM_clamp)
        tex.set_wrap_v(SamplerState.WM_clamp)
    return tex
