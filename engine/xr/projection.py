"""Projection from an OpenXR field of view: four asymmetric half-angles (left and down negative) to a 4x4 matrix
in Panda3D's convention (row vectors, camera space Z up looking down +Y, OpenGL clip space z in [-1, 1]).

The matrix is Khronos hello_xr's `XrMatrix4x4f_CreateProjection` (OpenGL flavour) composed with the change of
axes from Panda3D to OpenXR; a Panda3D `MatrixLens` takes it as its user matrix. The renderer's
`PerspectiveLens` built from the same tangents (film size and offset) must give the same matrix: the tests check
both against each other and against the frustum corners.
"""

from __future__ import annotations

import math

import numpy as np

from engine.backends.interface import FovTangents

# panda (x right, y forward, z up) -> OpenXR (x right, y up, z back), column vectors
PANDA_TO_XR = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, -1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]])


def fov_tangents(angle_left: float, angle_right: float, angle_up: float, angle_down: float) -> FovTangents:
    """An `XrFovf`'s angles (radians; left and down negative) as the tangents the renderer takes."""
    return FovTangents(left=math.tan(angle_left), right=math.tan(angle_right), up=math.tan(angle_up),
                       down=math.tan(angle_down))


def xr_projection_gl(fov: FovTangents, near: float, far: float) -> np.ndarray:
    """hello_xr's OpenGL projection for OpenXR camera space (column vectors); `far <= near` puts far at infinity."""
    w = fov.right - fov.left
    h = fov.up - fov.down
    if w <= 0 or h <= 0 or near <= 0:
        raise ValueError(f"degenerate field of view {fov} or near plane {near}")
    m = np.zeros((4, 4))
    m[0, 0] = 2.0 / w
    m[0, 2] = (fov.right + fov.left) / w
    m[1, 1] = 2.0 / h
    m[1, 2] = (fov.up + fov.down) / h
    m[3, 2] = -1.0
    if far <= near:
        m[2, 2] = -1.0
        m[2, 3] = -2.0 * near
    else:
        m[2, 2] = -(far + near) / (far - near)
        m[2, 3] = -2.0 * far * near / (far - near)
    return m


def panda_projection(fov: FovTangents, near: float, far: float) -> np.ndarray:
    """The projection of `fov` as a Panda3D matrix: `clip = [x, y, z, 1] @ M` for Panda3D camera-space points."""
    return (xr_projection_gl(fov, near, far) @ PANDA_TO_XR).T


def matrix_lens(fov: FovTangents, near: float, far: float):
    """A Panda3D `MatrixLens` projecting like the headset's view `fov`."""
    from panda3d.core import LMatrix4f, MatrixLens

    lens = MatrixLens()
    lens.set_user_mat(LMatrix4f(*panda_projection(fov, near, far).ravel().tolist()))
    return lens
