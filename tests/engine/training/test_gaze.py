"""Gaze hit-testing against player capsules and field zones, and the streaming gaze metrics."""

from __future__ import annotations

import numpy as np
import pytest

from engine.training.gaze import GazeScene, aim_point, direction_from_angles, field_zone, head_angles
from engine.training.gaze_metrics import GazeTracker
from replay.field_frame import YARD
from replay.roles import passer
from scenes.pose_source import StandingPoses


@pytest.fixture
def scene(tiny_play):
    poses = StandingPoses(tiny_play)
    qb = passer(tiny_play)
    return tiny_play, poses, GazeScene(tiny_play, poses.joint_names, exclude=[qb]), qb


def _eye(joints, names, qb):
    return 0.5 * (joints[qb, list(names).index("l_eye")] + joints[qb, list(names).index("r_eye")])


def test_ray_at_a_player_hits_that_player(scene):
    play, poses, gs, qb = scene
    j = poses.joints_at(1.0)
    eye = _eye(j, poses.joint_names, qb)
    for col in play.players_where(role="route_runner"):
        d = aim_point(j, poses.joint_names, col) - eye
        h = gs.hit(j, eye, d)
        assert h.col == col and h.nfl_id == play.roster.nfl_id[col]
        assert h.category == "downfield"
        assert abs(h.distance - np.linalg.norm(d)) < 0.35  # the front of his chest


def test_nearest_player_along_the_ray_wins(scene):
    play, poses, gs, qb = scene
    j = poses.joints_at(0.0).copy()
    a, b = play.players_where(role="route_runner")[:2]
    j[b] = j[a] + np.array([3.0, 0.0, 0.0], np.float32)  # b stands 3 m behind a, straight downfield
    eye = j[a, 2] - np.array([10.0, 0.0, 0.0], np.float32)
    h = gs.hit(j, eye, np.array([1.0, 0.0, 0.0]))
    assert h.col == a


def test_misses_land_in_zones(scene):
    play, poses, gs, qb = scene
    j = poses.joints_at(0.0)
    eye = np.array([gs.los_m - 6.0, 20.0, 1.8], np.float32)
    assert gs.hit(j, eye, direction_from_angles(0, 30)).zone == "sky"
    h = gs.hit(j, eye, np.array([0.0, 0.0, -1.0]))
    assert h.zone == "backfield" and h.category == "rush" and h.col == -1
    far = gs.hit(j, eye, np.array([30.0, -19.0, -1.8]))
    assert far.zone in ("deep_right", "intermediate_right", "deep_middle") and far.category == "downfield"
    assert field_zone(gs.los_m + 5, -1.0, gs.los_m) == "out_of_bounds"
    assert field_zone(gs.los_m + 25 * YARD, 45.0, gs.los_m) == "deep_left"


def test_head_angles_round_trip():
    for yaw, pitch in [(0, 0), (35, -10), (-80, 20)]:
        y, p = head_angles(direction_from_angles(yaw, pitch))
        assert abs(y - yaw) < 1e-4 and abs(p - pitch) < 1e-4


def _feed(tr, times, targets, dirs):
    for t, tg, d in zip(times, targets, dirs):
        tr.update(t, d, tg, "short_left", "downfield" if tg else "rush", -5.0)


def test_tracker_first_look_dwell_reads_fixations():
    dt = 1 / 60
    t = -1.0 + np.arange(int(3.0 / dt) + 1) * dt
    A, B = 11, 22
    tg = np.where(t < 0.3, 0, np.where(t < 0.8, A, B))
    dA, dB, d0 = direction_from_angles(20, -3), direction_from_angles(-25, -3), direction_from_angles(0, -8)
    dirs = [d0 if g == 0 else dA if g == A else dB for g in tg]
    tr = GazeTracker([A, B, 33])
    keep = t <= 1.9 + 1e-9  # samples up to the decision, as the live loop feeds them
    _feed(tr, t[keep], tg[keep], dirs)
    tr.finish(1.9)
    r = tr.result(1.9, chosen=B)
    assert abs(r["first_look"][str(A)] - 0.3) <= dt and abs(r["first_look"][str(B)] - 0.8) <= dt
    assert r["first_look"]["33"] is None
    assert abs(r["dwell"][str(A)] - 0.5) <= dt and abs(r["dwell"][str(B)] - 1.1) <= dt
    assert r["reads"] == 1 and r["receivers_looked_at"] == 2
    assert abs(r["window_s"] - 1.9) < 1e-6
    assert abs(r["share"]["downfield"] - 1.6 / 1.9) < 0.02 and abs(r["share"]["rush"] - 0.3 / 1.9) < 0.02
    fx = r["fixations"]
    assert [f["target"] for f in fx] == [0, A, B]
    assert r["quiet_eye"]["target"] == B and r["quiet_eye"]["on_chosen"]
    assert abs(r["quiet_eye"]["onset_before_release"] - 1.1) <= dt
    assert r["head_pitch"]["median"] == -5.0


def test_tracker_fast_turns_are_not_fixations():
    tr = GazeTracker([1])
    for k in range(30):  # turning 90 deg/s: a smooth pursuit far above the I-VT threshold
        tr.update(k / 60, direction_from_angles(k * 1.5, 0), 1, "z", "downfield", 0.0)
    tr.finish(0.5)
    assert tr.result(0.5)["n_fixations"] == 0


def test_eligible_receivers_are_downfield_targets_even_when_blocking(tiny_play):
    poses = StandingPoses(tiny_play)
    qb = passer(tiny_play)
    te = int(tiny_play.players_where(positions={"TE"})[0])
    tiny_play.roster.role[te] = "blocker"  # a tight end who stays in
    j = poses.joints_at(0.5)
    eye = aim_point(j, poses.joint_names, te) - np.array([3.0, 0.0, 0.0], np.float32)  # just behind him
    d = np.array([1.0, 0.0, 0.0], np.float32)
    plain = GazeScene(tiny_play, poses.joint_names, exclude=[qb]).hit(j, eye, d)
    assert plain.col == te and plain.category == "rush"
    as_receiver = GazeScene(tiny_play, poses.joint_names, exclude=[qb], receivers=[te]).hit(j, eye, d)
    assert as_receiver.col == te and as_receiver.category == "downfield"
