"""Headset, pure parts: OpenXR-to-Panda3D poses, projection from asymmetric FOV tangents, display-time play
clock, recentring. No runtime, no `xr` import."""

from __future__ import annotations

import math

import numpy as np
import pytest
from panda3d.core import LQuaternionf, LVector3f, PerspectiveLens, Point2, Point3

from engine.backends.interface import FovTangents
from engine.xr.clock import NS, DisplayClock
from engine.xr.coords import (
    XR_TO_PANDA,
    look_rotation,
    panda_forward,
    panda_heading,
    panda_position_to_xr,
    panda_quat_to_xr,
    quat_from_axis_angle,
    quat_multiply,
    quat_rotate,
    quat_to_matrix,
    xr_position_to_panda,
    xr_quat_to_panda,
)
from engine.xr.projection import fov_tangents, matrix_lens, panda_projection
from engine.xr.tracking import Recenter, rig_to_world


def random_quats(rng, n):
    q = rng.normal(size=(n, 4))
    return q / np.linalg.norm(q, axis=1, keepdims=True)


def test_identity_pose_looks_down_panda_y():
    # OpenXR's identity view looks down -Z with +Y up; in Panda3D that is +Y forward, +Z up
    q = xr_quat_to_panda([1.0, 0, 0, 0])
    assert np.allclose(panda_forward(q), [0, 1, 0])
    assert np.allclose(xr_position_to_panda([0, 0, -1]), [0, 1, 0])
    assert np.allclose(xr_position_to_panda([0, 1.7, 0]), [0, 0, 1.7])
    assert np.allclose(xr_position_to_panda([0.3, 0, 0]), [0.3, 0, 0])


def test_quaternion_conversion_matches_change_of_basis_on_random_rotations():
    rng = np.random.default_rng(7)
    q_xr = random_quats(rng, 500)
    q_pd = xr_quat_to_panda(q_xr)
    R_xr, R_pd = quat_to_matrix(q_xr), quat_to_matrix(q_pd)
    # the same physical rotation seen in Panda3D axes: M R M^T
    assert np.allclose(R_pd, XR_TO_PANDA @ R_xr @ XR_TO_PANDA.T, atol=1e-12)
    # rotating a vector then converting == converting then rotating
    v = rng.normal(size=(500, 3))
    assert np.allclose(xr_position_to_panda(quat_rotate(q_xr, v)), quat_rotate(q_pd, xr_position_to_panda(v)))
    # round trips
    assert np.allclose(panda_quat_to_xr(q_pd), q_xr)
    assert np.allclose(panda_position_to_xr(xr_position_to_panda(v)), v)


def test_converted_quaternions_rotate_like_panda3d():
    rng = np.random.default_rng(11)
    for q_xr in random_quats(rng, 50):
        q = xr_quat_to_panda(q_xr)
        pq = LQuaternionf(*q)
        for axis in ([1, 0, 0], [0, 1, 0], [0, 0, 1]):
            got = pq.xform(LVector3f(*axis))
            assert np.allclose([got[0], got[1], got[2]], quat_rotate(q, axis), atol=1e-5)


def test_head_turn_left_in_openxr_is_heading_left_in_panda():
    # turning the head 30 degrees left = rotation about OpenXR +Y by +30 degrees = Panda3D H +30
    q = xr_quat_to_panda(quat_from_axis_angle([0, 1, 0], math.radians(30)))
    assert math.degrees(panda_heading(q)) == pytest.approx(30.0)
    f = panda_forward(q)
    assert f[0] < 0 and f[1] > 0  # looking forward-left (-X is left in Panda3D when facing +Y)
    # pitching up = rotation about +X in both
    q = xr_quat_to_panda(quat_from_axis_angle([1, 0, 0], math.radians(20)))
    assert panda_forward(q)[2] == pytest.approx(math.sin(math.radians(20)))


def test_look_rotation_and_quat_multiply():
    q = look_rotation([1.0, 1.0, 0.2])
    f = panda_forward(q)
    assert np.allclose(f, np.array([1, 1, 0.2]) / np.linalg.norm([1, 1, 0.2]))
    a, b = quat_from_axis_angle([0, 0, 1], 0.3), quat_from_axis_angle([1, 0, 0], -0.2)
    assert np.allclose(quat_to_matrix(quat_multiply(a, b)), quat_to_matrix(a) @ quat_to_matrix(b))


# ------------------------------------------------------------------ projection

FOVS = [fov_tangents(*np.radians(a)) for a in [(-45, 45, 45, -45), (-52, 46, 48, -50), (-40, 55, 30, -60),
                                                (-10, 70, 20, -35)]]


@pytest.mark.parametrize("fov", FOVS)
def test_projection_maps_frustum_corners_to_ndc_corners(fov):
    near, far = 0.05, 2000.0
    m = panda_projection(fov, near, far)
    for tx, sx in ((fov.left, -1), (fov.right, 1)):
        for tz, sy in ((fov.down, -1), (fov.up, 1)):
            for d, sz in ((near, -1), (far, 1)):
                clip = np.array([tx * d, d, tz * d, 1.0]) @ m   # Panda3D camera space: +Y forward, +Z up
                ndc = clip[:3] / clip[3]
                assert np.allclose(ndc, [sx, sy, sz], atol=1e-6)


@pytest.mark.parametrize("fov", FOVS)
def test_matrix_lens_projects_like_the_matrix(fov):
    lens = matrix_lens(fov, 0.05, 2000.0)
    out = Point2()
    # a point straight ahead projects off-centre by the asymmetry of the frustum
    assert lens.project(Point3(0, 10, 0), out)
    expect_x = -(fov.right + fov.left) / (fov.right - fov.left)
    expect_y = -(fov.up + fov.down) / (fov.up - fov.down)
    assert (out[0], out[1]) == pytest.approx((expect_x, expect_y), abs=1e-5)
    assert not lens.project(Point3(0, -10, 0), out)  # behind the eye


@pytest.mark.parametrize("fov", FOVS)
def test_renderer_film_lens_equals_hello_xr_projection(fov):
    # the renderer builds a PerspectiveLens from the tangents (film size/offset at unit focal length); it must
    # project exactly like hello_xr's matrix
    lens = PerspectiveLens()
    lens.set_near_far(0.05, 2000.0)
    lens.set_focal_length(1.0)
    lens.set_film_size(fov.right - fov.left, fov.up - fov.down)
    lens.set_film_offset((fov.right + fov.left) / 2, (fov.up + fov.down) / 2)
    got = np.array([[lens.get_projection_mat().get_cell(r, c) for c in range(4)] for r in range(4)])
    assert np.allclose(got, panda_projection(fov, 0.05, 2000.0), atol=1e-5)


def test_projection_rejects_degenerate_fov():
    with pytest.raises(ValueError):
        panda_projection(FovTangents(left=0.5, right=0.5, up=1, down=-1), 0.1, 10)


# ------------------------------------------------------------------ display-time clock

def test_clock_play_time_from_predicted_display_times():
    c = DisplayClock(start=-2.0)
    t0 = 123_456_789_000
    assert c.play_time(t0) == -2.0
    assert c.play_time(t0 + 11_111_111) == pytest.approx(-2.0 + 0.011111111)
    assert c.play_time(t0 + 3 * NS) == pytest.approx(1.0)


def test_clock_pause_resume_has_no_jump_and_never_rewinds():
    c = DisplayClock(start=0.0)
    t0 = 5 * NS
    c.play_time(t0)
    assert c.pause(t0 + NS) == pytest.approx(1.0)
    assert c.play_time(t0 + 4 * NS) == pytest.approx(1.0)  # frozen while the headset is off
    assert c.resume(t0 + 10 * NS) == pytest.approx(1.0)
    assert c.play_time(t0 + 10 * NS + NS // 2) == pytest.approx(1.5)
    # a display time that goes backwards holds play time
    assert c.play_time(t0 + 9 * NS) == pytest.approx(1.5)


def test_clock_speed():
    c = DisplayClock(start=1.0, speed=0.5)
    c.play_time(0)
    assert c.play_time(2 * NS) == pytest.approx(2.0)
    with pytest.raises(ValueError):
        DisplayClock(speed=0)


# ------------------------------------------------------------------ recentring

def test_recenter_maps_standing_spot_and_heading_to_rig_origin_facing_downfield():
    rng = np.random.default_rng(3)
    head_p = np.array([1.2, -0.7, 1.75])
    head_q = quat_multiply(quat_from_axis_angle([0, 0, 1], 2.1), quat_from_axis_angle([1, 0, 0], -0.3))
    rc = Recenter.at(head_p, head_q)
    p, q = rc.apply(head_p, head_q)
    assert np.allclose(p, [0, 0, 1.75])        # real eye height kept
    assert panda_heading(q) == pytest.approx(0.0, abs=1e-9)   # faces the rig's +Y
    assert panda_forward(q)[2] == pytest.approx(math.sin(-0.3))  # pitch kept
    # a step of 0.3 m to the trainee's right moves the eyes 0.3 m to the rig's right (+X)
    right = quat_rotate(head_q, [1, 0, 0])
    right[2] = 0
    right /= np.linalg.norm(right)
    p2, _ = rc.apply(head_p + 0.3 * right, head_q)
    assert np.allclose(p2, [0.3, 0, 1.75], atol=1e-9)
    # vectorised over many poses
    ps = rng.normal(size=(10, 3))
    qs = random_quats(rng, 10)
    P, Q = rc.apply(ps, qs)
    assert P.shape == (10, 3) and Q.shape == (10, 4)


def test_rig_to_world_with_the_apps_downfield_heading():
    # the app places the rig at the QB's feet with heading -90 (facing +x, downfield)
    p = rig_to_world([30.0, 24.0, 0.0], -90.0, [0.0, 1.0, 1.8])
    assert np.allclose(p, [31.0, 24.0, 1.8])
    p = rig_to_world([30.0, 24.0, 0.0], -90.0, [0.5, 0.0, 1.8])  # rig's right = field -y
    assert np.allclose(p, [30.0, 23.5, 1.8])
