"""OpenXR poses in Panda3D axes, vectorised.

OpenXR is right-handed, Y up, looking down -Z; Panda3D is right-handed, Z up, looking down +Y. The change of
basis is the rotation M: (x, y, z)_xr -> (x, -z, y)_panda, so positions map through M and an orientation R
maps to M R M^T, whose quaternion (w, x, y, z) is (w, x, -z, y). Quaternions here are (w, x, y, z) arrays, like
Panda3D's `LQuaternionf(r, i, j, k)`; OpenXR's `XrQuaternionf` is (x, y, z, w): use `xr_quat_wxyz` to reorder.
"""

from __future__ import annotations

import numpy as np

# rows: Panda3D axes expressed in OpenXR axes (panda = M @ xr)
XR_TO_PANDA = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]])


def xr_position_to_panda(p) -> np.ndarray:
    """OpenXR positions `[..., 3]` (x right, y up, z back) -> Panda3D (x right, y forward, z up)."""
    p = np.asarray(p, np.float64)
    return np.stack([p[..., 0], -p[..., 2], p[..., 1]], axis=-1)


def panda_position_to_xr(p) -> np.ndarray:
    """Inverse of `xr_position_to_panda`."""
    p = np.asarray(p, np.float64)
    return np.stack([p[..., 0], p[..., 2], -p[..., 1]], axis=-1)


def xr_quat_to_panda(q) -> np.ndarray:
    """OpenXR orientation quaternions `[..., 4]` (w, x, y, z) -> Panda3D (w, x, -z, y)."""
    q = np.asarray(q, np.float64)
    return np.stack([q[..., 0], q[..., 1], -q[..., 3], q[..., 2]], axis=-1)


def panda_quat_to_xr(q) -> np.ndarray:
    """Inverse of `xr_quat_to_panda`."""
    q = np.asarray(q, np.float64)
    return np.stack([q[..., 0], q[..., 1], q[..., 3], -q[..., 2]], axis=-1)


def xr_quat_wxyz(q) -> np.ndarray:
    """An `XrQuaternionf`-like object (attributes x, y, z, w) as a (w, x, y, z) array."""
    return np.array([q.w, q.x, q.y, q.z], np.float64)


def quat_normalize(q) -> np.ndarray:
    q = np.asarray(q, np.float64)
    n = np.linalg.norm(q, axis=-1, keepdims=True)
    return q / np.where(n > 0, n, 1.0)


def quat_multiply(a, b) -> np.ndarray:
    """Hamilton product a*b of (w, x, y, z) quaternions (b applied first)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    aw, ax, ay, az = a[..., 0], a[..., 1], a[..., 2], a[..., 3]
    bw, bx, by, bz = b[..., 0], b[..., 1], b[..., 2], b[..., 3]
    return np.stack([aw * bw - ax * bx - ay * by - az * bz,
                     aw * bx + ax * bw + ay * bz - az * by,
                     aw * by - ax * bz + ay * bw + az * bx,
                     aw * bz + ax * by - ay * bx + az * bw], axis=-1)


def quat_conjugate(q) -> np.ndarray:
    q = np.asarray(q, np.float64)
    return q * np.array([1.0, -1.0, -1.0, -1.0])


def quat_rotate(q, v) -> np.ndarray:
    """Rotate vectors `[..., 3]` by unit quaternions `[..., 4]` (w, x, y, z)."""
    q, v = np.asarray(q, np.float64), np.asarray(v, np.float64)
    u, w = q[..., 1:], q[..., :1]
    t = 2.0 * _cross(u, v)
    return v + w * t + _cross(u, t)


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    # np.cross is ~10x slower on the single vectors of a per-frame pose
    return np.stack([a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1],
                     a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2],
                     a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]], axis=-1)


def quat_to_matrix(q) -> np.ndarray:
    """Column-vector rotation matrices `[..., 3, 3]` of unit quaternions (w, x, y, z)."""
    w, x, y, z = np.moveaxis(np.asarray(q, np.float64), -1, 0)
    return np.stack([
        np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)], axis=-1),
        np.stack([2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)], axis=-1),
        np.stack([2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)], axis=-1)], axis=-2)


def quat_from_axis_angle(axis, angle) -> np.ndarray:
    axis = np.asarray(axis, np.float64)
    axis = axis / np.linalg.norm(axis, axis=-1, keepdims=True)
    half = np.asarray(angle, np.float64)[..., None] / 2.0
    return np.concatenate([np.cos(half), np.sin(half) * axis], axis=-1)


def panda_forward(q) -> np.ndarray:
    """The direction a Panda3D node with orientation `q` looks along (its +Y)."""
    return quat_rotate(q, np.array([0.0, 1.0, 0.0]))


def panda_heading(q) -> np.ndarray:
    """Heading in radians about +Z of where `q` looks (0 = +Y, +pi/2 = -X, as Panda3D's H)."""
    f = panda_forward(q)
    return np.arctan2(-f[..., 0], f[..., 1])


def quat_from_heading(h) -> np.ndarray:
    """The rotation by heading `h` radians about +Z (Panda3D's H)."""
    h = np.asarray(h, np.float64)
    return np.stack([np.cos(h / 2), np.zeros_like(h), np.zeros_like(h), np.sin(h / 2)], axis=-1)


def look_rotation(forward, up=(0.0, 0.0, 1.0)) -> np.ndarray:
    """The Panda3D orientation (w, x, y, z) whose +Y points along `forward` with +Z as close to `up` as possible."""
    f = np.asarray(forward, np.float64)
    f = f / np.linalg.norm(f)
    r = np.cross(f, np.asarray(up, np.float64))
    if np.linalg.norm(r) < 1e-9:
        r = np.cross(f, np.array([0.0, 1.0, 0.0]))
    r = r / np.linalg.norm(r)
    u = np.cross(r, f)
    m = np.stack([r, f, u], axis=1)  # columns: local x, y, z in world
    return matrix_to_quat(m)


def matrix_to_quat(m) -> np.ndarray:
    """Unit quaternion (w, x, y, z) of one 3x3 column-vector rotation matrix (Shepperd's method)."""
    m = np.asarray(m, np.float64)
    tr = m[0, 0] + m[1, 1] + m[2, 2]
    if tr > 0:
        s = 2.0 * np.sqrt(tr + 1.0)
        q = [0.25 * s, (m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s, (m[1, 0] - m[0, 1]) / s]
    elif m[0, 0] > m[1, 1] and m[0, 0] > m[2, 2]:
        s = 2.0 * np.sqrt(1.0 + m[0, 0] - m[1, 1] - m[2, 2])
        q = [(m[2, 1] - m[1, 2]) / s, 0.25 * s, (m[0, 1] + m[1, 0]) / s, (m[0, 2] + m[2, 0]) / s]
    elif m[1, 1] > m[2, 2]:
        s = 2.0 * np.sqrt(1.0 + m[1, 1] - m[0, 0] - m[2, 2])
        q = [(m[0, 2] - m[2, 0]) / s, (m[0, 1] + m[1, 0]) / s, 0.25 * s, (m[1, 2] + m[2, 1]) / s]
    else:
        s = 2.0 * np.sqrt(1.0 + m[2, 2] - m[0, 0] - m[1, 1])
        q = [(m[1, 0] - m[0, 1]) / s, (m[0, 2] + m[2, 0]) / s, (m[1, 2] + m[2, 1]) / s, 0.25 * s]
    q = np.array(q)
    return q if q[0] >= 0 else -q
