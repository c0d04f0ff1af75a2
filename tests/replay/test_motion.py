"""Skeleton spec, motion synthesis, the 3D ball and pose streams on tiny synthetic plays."""

from __future__ import annotations

import json

import numpy as np
import pytest

from replay.errors import InputError
from replay.field_frame import FIELD, YARD
from replay.motion import build_motion
from replay.motion_metrics import check_play_motion
from replay.pose import PoseStream, read_pose, write_pose
from replay.separation import MAX_SHIFT_M
from replay.skeleton import load_skeleton
from replay.synthesis import STANCES, stance_types


@pytest.fixture(scope="module")
def play():
    from tests.conftest import make_play
    return make_play()


@pytest.fixture(scope="module")
def motion(play):
    return build_motion(play)


def test_skeleton_spec_has_29_joints_with_a_single_root():
    sk = load_skeleton()
    assert sk.n_joints == 29 and len(set(sk.names)) == 29
    assert list(sk.parents).count(-1) == 1 and sk.parents[0] == -1
    assert all(sk.parents[j] < j for j in range(1, 29))  # parents come first
    for needed in ("neck", "head_top", "nose", "l_eye", "r_eye", "r_hand", "l_big_toe"):
        assert needed in sk.names
    h = sk.heights(np.array(["QB", "CB", "XX", "WR"]), np.array([np.nan, np.nan, np.nan, 1.75]))
    assert h[0] == pytest.approx(1.91) and h[1] == pytest.approx(1.80) and h[2] == sk.default_height_m
    assert h[3] == pytest.approx(1.75)


def test_bad_skeleton_spec_is_a_clear_error(tmp_path):
    spec = json.loads(load_skeleton.__globals__["SKELETON_PATH"].read_text())
    spec["joints"][3]["parent"] = "nowhere"
    p = tmp_path / "sk.json"
    p.write_text(json.dumps(spec))
    with pytest.raises(InputError, match=r"joints\[3\].*parent 'nowhere'"):
        load_skeleton(p)
    p.write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON"):
        load_skeleton(p)


def test_contract_shapes_and_dtypes(play, motion):
    P = play.n_players
    assert motion.joint_names == load_skeleton().names and motion.parents.shape == (29,)
    j = motion.joints_at(1.0)
    assert j.shape == (P, 29, 3) and j.dtype == np.float32
    ts = np.array([-0.5, 0.0, 0.77, 2.0])
    J = motion.joints_at(ts)
    assert J.shape == (4, P, 29, 3) and J.dtype == np.float32
    assert np.allclose(J[2], motion.joints_at(0.77), atol=1e-5)
    assert motion.ball_at(0.3).shape == (3,) and motion.ball_at(ts).shape == (4, 3)
    # clamped outside the play
    assert np.allclose(motion.joints_at(-100.0), motion.joints_at(float(play.t[0])))


def test_deterministic(play, motion):
    again = build_motion(play)
    t = np.linspace(play.t[0], play.t[-1], 50)
    assert np.array_equal(again.joints_at(t), motion.joints_at(t))
    assert np.array_equal(again.ball_at(t), motion.ball_at(t))


def test_acceptance_checks_hold_on_the_tiny_play(motion):
    c = check_play_motion(motion)
    assert c.nan_joints == 0
    assert c.bone_spread < 0.01
    assert c.min_foot_z > -0.01
    assert c.max_tag_error_yd < 0.25
    assert c.release_gap is not None and c.release_gap < 0.01 and c.release_leaves


def test_world_frame_and_player_columns(play, motion):
    # the tag point (shoulder midpoint) of each column is that roster player's track, in metres: exactly as
    # synthesised, within the separation's largest shift once overlapping bodies are eased apart
    f = play.frame_at(1.0)
    exact = build_motion(play, contact=False)
    tag = exact.tag_points(exact.joints_at(float(play.t[f])))
    assert np.allclose(tag[:, 0] / YARD, play.x[f], atol=0.01)
    assert np.allclose(tag[:, 1] / YARD, play.y[f], atol=0.01)
    tag = motion.tag_points(motion.joints_at(float(play.t[f])))
    off = np.hypot(tag[:, 0] / YARD - play.x[f], tag[:, 1] / YARD - play.y[f])
    assert off.max() <= MAX_SHIFT_M * np.sqrt(2) / YARD + 0.01
    sk = motion.skeleton
    j = motion.joints_at(1.0)
    assert np.all(j[:, sk.index("head_top"), 2] > j[:, sk.index("mid_hip"), 2])  # Z is up


def test_stances_before_the_snap_and_get_off(play, motion):
    st = stance_types(play)
    pos = list(play.roster.position)
    assert STANCES[st[pos.index("G")]] == "three_point" and STANCES[st[pos.index("WR")]] == "two_point"
    assert STANCES[st[pos.index("QB")]] == "shotgun"  # 5 yd behind the ball at the snap
    sk = motion.skeleton
    hip = sk.index("mid_hip")
    de = pos.index("DE")
    pre = motion.joints_at(-0.3)[de, hip, 2]
    after = motion.joints_at(1.0)[de, hip, 2]
    assert pre < after - 0.10  # crouched in a three-point stance, up and running after the snap
    # the lineman's right hand is near the turf in a three-point stance
    assert motion.joints_at(-0.3)[de, sk.index("r_hand"), 2] < 0.2


def test_ball_on_the_spot_then_in_the_qb_hand_then_in_the_air(play, motion):
    sk = motion.skeleton
    qb = motion.plan.thrower
    assert play.roster.position[qb] == "QB"
    b = motion.ball_at(-1.0)
    assert b[2] == pytest.approx(0.11) and abs(b[0] / YARD - play.ball_x[play.frame_at(-1.0)]) < 0.05
    tr = motion.plan.t_release
    hand = motion.joints_at(tr - 0.3)[qb, sk.index("r_hand")]
    assert np.linalg.norm(motion.ball_at(tr - 0.3) - hand) < 1e-3
    mid = (tr + motion.plan.t_arrive) / 2
    hands = motion.joints_at(mid)[:, [sk.index("r_hand"), sk.index("l_hand")]]
    assert np.min(np.linalg.norm(hands - motion.ball_at(mid), axis=-1)) > 0.5
    assert motion.ball_at(mid)[2] > motion.ball_at(tr)[2]  # an arc, above the release height mid-flight


def test_throw_raises_the_hand_above_the_head_at_release(motion):
    sk = motion.skeleton
    qb = motion.plan.thrower
    j = motion.joints_at(motion.plan.t_release)[qb]
    assert j[sk.index("r_hand"), 2] > j[sk.index("head_top"), 2] - 0.15


def _pose_from_motion(play, motion, players, times, noise, seed=0):
    J = motion.joints_at(times)[:, players] / YARD
    if play.meta.play_direction == "left":
        J[..., 0], J[..., 1] = FIELD.turned(J[..., 0], J[..., 1])
    rng = np.random.default_rng(seed)
    xyz = (J + rng.normal(0, noise, J.shape)).astype(np.float32)
    return PoseStream(play.meta.game_id, play.meta.play_id, motion.joint_names, play.roster.nfl_id[players],
                      times, xyz, np.ones(xyz.shape[:3], np.float32))


def test_pose_stream_round_trips_csv_and_msgpack(play, motion, tmp_path):
    s = _pose_from_motion(play, motion, [0, 1], np.arange(0, 1.0, 1 / 60), 0.0)
    s.xyz[5:9, 0, 3] = np.nan
    for name in ("p.csv", "p.qbpose"):
        write_pose(tmp_path / name, [s])
        back = read_pose(tmp_path / name)[s.key]
        assert np.array_equal(back.nfl_ids, s.nfl_ids) and np.allclose(back.t, s.t, atol=1e-6)
        assert np.array_equal(np.isnan(back.xyz), np.isnan(s.xyz))
        assert np.allclose(back.xyz[np.isfinite(s.xyz)], s.xyz[np.isfinite(s.xyz)], atol=1e-3)


@pytest.mark.parametrize("text, match", [
    ("game_id,play_id,nfl_id,t,joint,x,y\n1,1,1,0,neck,1,2\n", r"missing column\(s\) z"),
    ("game_id,play_id,nfl_id,t,joint,x,y,z\n1,1,1,0,neck,1,2,3\n1,1,1,0,elbow,1,2,3\n",
     r"line 3, column 'joint': unknown joint 'elbow'"),
    ("game_id,play_id,nfl_id,t,joint,x,y,z\n1,1,1,0,neck,1,abc,3\n", r"line 2, column 'y': not a number"),
    ("game_id,play_id,nfl_id,t,joint,x,y,z,confidence\n1,1,1,0,neck,1,2,3,7\n",
     r"column 'confidence': confidence 7(\.0)? outside 0-1"),
    ("game_id,play_id,nfl_id,t,joint,x,y,z\n1,1,1,0,neck,1,2,3\n1,1,1,0,neck,1,2,3\n", r"line 3: duplicate"),
])
def test_bad_pose_csv_is_a_clear_error(tmp_path, text, match):
    p = tmp_path / "bad.csv"
    p.write_text(text)
    with pytest.raises(InputError, match=match):
        read_pose(p)


def test_bad_pose_msgpack_is_a_clear_error(tmp_path):
    p = tmp_path / "bad.qbpose"
    p.write_bytes(b"\x93\x01\x02")
    with pytest.raises(InputError, match="not a msgpack pose file"):
        read_pose(p)
    import msgpack
    p.write_bytes(msgpack.packb({"format": "something-else"}))
    with pytest.raises(InputError, match="not a qbvr pose file"):
        read_pose(p)


def test_pose_players_follow_the_measurement_with_gaps_filled(play, motion):
    times = np.arange(-0.5, 3.0, 1 / 60)
    s = _pose_from_motion(play, motion, [0, 1, 2], times, 0.01 / YARD)
    wrist = motion.skeleton.index("r_wrist")
    s.xyz[60:90, 0, wrist] = np.nan  # half a second occluded
    m2 = build_motion(play, pose=s)
    assert list(m2.source[:3]) == ["pose"] * 3 and m2.source[3] == "synthesis"
    truth = motion.joints_at(times)[:, :3]
    got = m2.joints_at(times)[:, :3]
    err = np.linalg.norm(got - truth, axis=-1)
    assert err.mean() < 0.03  # 1 cm noise per axis, fused and resampled
    assert err[60:90, 0, wrist].mean() < 0.06
    c = check_play_motion(m2)
    assert c.nan_joints == 0 and c.bone_spread < 0.01 and c.min_foot_z > -0.01 and c.release_leaves


def test_pose_for_another_play_is_rejected(play, motion):
    s = _pose_from_motion(play, motion, [0], np.arange(0, 0.5, 1 / 60), 0.0)
    s.play_id += 1
    with pytest.raises(InputError, match="not"):
        build_motion(play, pose=s)


def test_throw_keys_come_from_the_shipped_real_throw_and_peak_at_the_release(motion):
    from replay.synthesis import throw_keys
    t, r, left = throw_keys()
    assert t[0] < 0 <= t[-1] and r.shape == (len(t), 3) and left.shape == (len(t), 3)
    sk = motion.skeleton
    qb, tr = motion.plan.thrower, motion.plan.t_release
    ts = np.arange(tr - 0.5, tr + 0.3, 1 / 60)
    w = motion.joints_at(ts)[:, qb, sk.index("r_wrist")]
    sh = motion.joints_at(ts)[:, qb, sk.index("r_shoulder")]
    speed = np.linalg.norm(np.diff(w - sh, axis=0), axis=1) * 60  # relative to the shoulder: the arm's own motion
    t_peak = ts[1:][np.argmax(speed)]
    assert abs(t_peak - tr) <= 0.1


def test_bad_throw_keys_are_a_clear_error(tmp_path):
    from replay.synthesis import throw_keys
    p = tmp_path / "throw.json"
    p.write_text(json.dumps({"t": [0.1, 0.0], "right_wrist": [[0, 0, 0]] * 2, "left_wrist": [[0, 0, 0]] * 2}))
    with pytest.raises(InputError, match="increasing times"):
        throw_keys(str(p))


def _trunk_pitch_deg(j, sk, facing_xy):
    """Forward lean of the mid_hip -> neck line toward the facing direction, degrees."""
    v = j[..., sk.index("neck"), :] - j[..., sk.index("mid_hip"), :]
    fwd = v[..., 0] * facing_xy[0] + v[..., 1] * facing_xy[1]
    return np.degrees(np.arctan2(fwd, v[..., 2]))


def test_backpedal_keeps_facing_and_steps(play, motion):
    from replay.motion_metrics import lowest_point, step_rate
    sk = motion.skeleton
    cb = list(play.roster.position).index("CB")  # bails downfield (+x) while facing the offense (-x)
    ts = np.arange(1.0, 3.0, 1 / 60)
    J = motion.joints_at(ts)[:, cb]
    assert np.all(J[:, sk.index("nose"), 0] < J[:, sk.index("neck"), 0])  # still faces -x
    assert J[-1, 0, 0] > J[0, 0, 0] + 5  # while moving +x
    feet = [lowest_point(J, motion.joint_names, s)[:, 2] for s in "lr"]
    assert 2.0 < step_rate(feet, 60.0) < 4.0


def test_acceleration_leans_forward_and_steady_running_steps_at_the_modelled_rate(play, motion):
    from replay.motion_metrics import lowest_point, step_rate
    sk = motion.skeleton
    wr = list(play.roster.position).index("WR")  # 0 -> 7 yd/s at the snap, facing +x
    early = _trunk_pitch_deg(motion.joints_at(0.15)[wr], sk, (1, 0))
    steady = _trunk_pitch_deg(motion.joints_at(2.0)[wr], sk, (1, 0))
    assert early > steady + 5
    ts = np.arange(1.0, 4.0, 1 / 60)
    J = motion.joints_at(ts)[:, wr]
    rate = step_rate([lowest_point(J, motion.joint_names, s)[:, 2] for s in "lr"], 60.0)
    model = np.interp(7 * YARD, [3.56, 6.0, 8.0], [2.45, 3.0, 3.6])
    assert abs(rate / model - 1) < 0.15


def test_planted_feet_do_not_slide(play, motion):
    from replay.motion_metrics import foot_skating, lowest_point
    ts = np.arange(0.5, 4.0, 1 / 60)
    J = motion.joints_at(ts)
    for p in range(play.n_players):
        for s in "lr":
            assert foot_skating(lowest_point(J[:, p], motion.joint_names, s), 60.0) < 0.10, p


def test_tracks_without_orientation_face_the_direction_of_motion():
    from tests.conftest import make_play
    play = make_play()
    play.o[:] = np.nan  # BDB 2019 has no `o`
    m = build_motion(play)
    sk = m.skeleton
    wr = list(play.roster.position).index("WR")
    j = m.joints_at(2.0)
    assert not np.isnan(j).any()
    assert j[wr, sk.index("nose"), 0] > j[wr, sk.index("neck"), 0]  # runs and faces +x
    assert check_play_motion(m).release_leaves


def test_pose_is_sampled_at_its_own_rate(play, motion):
    from replay.pose import sample_pose
    times = np.arange(0, 1.0, 1 / 50)  # a 50 Hz stream
    s = _pose_from_motion(play, motion, [0], times, 0.0)
    s.xyz[10, 0, 5] = np.nan
    q = sample_pose(s, np.array([0.1, 0.11, 0.21, 2.0]))
    assert np.allclose(q[0], s.xyz[5]) and np.allclose(q[1], 0.5 * (s.xyz[5] + s.xyz[6]), atol=1e-5)
    assert np.isnan(q[2, 0, 5]).all() and not np.isnan(q[2, 0, 4]).any()  # occluded neighbour stays occluded
    assert np.isnan(q[3]).all()  # after the stream


def test_fusion_removes_a_pose_calibration_offset(play, motion):
    times = np.arange(-0.5, 3.0, 1 / 60)
    s = _pose_from_motion(play, motion, [0, 5], times, 0.01 / YARD)
    s.xyz[..., 0] += 0.4  # the optical system is 0.4 yd off along the field (x)
    truth = motion.joints_at(times)[:, [0, 5], 0]
    fused = build_motion(play, pose=s).joints_at(times)[:, [0, 5], 0]
    err = np.linalg.norm((fused - truth)[..., :2], axis=-1)
    assert err[30:-30].mean() < 0.05  # the RFID track pins the pose back in place


def test_cornering_leans_into_the_turn():
    from replay.play import Play, PlayMeta, Roster
    t = np.arange(0, 6.0, 0.1)
    r_yd, v_yd = 12.0, 7.0  # counter-clockwise circle (seen from above), centre at (50, 26.7)
    ang = v_yd / r_yd * t
    x, y = 50 + r_yd * np.cos(ang), 26.7 + r_yd * np.sin(ang)
    vx, vy = -v_yd * np.sin(ang), v_yd * np.cos(ang)
    d = np.degrees(np.arctan2(vx, vy)) % 360
    col = lambda a: np.asarray(a, np.float32)[:, None]  # noqa: E731
    roster = Roster.empty(1)
    roster.nfl_id[0], roster.position[0], roster.side[0] = 1, "WR", "off"
    play = Play(meta=PlayMeta(0, 0, "synthetic", play_type="other"), roster=roster,
                frame_id=np.arange(1, len(t) + 1, dtype=np.int32), t=t, x=col(x), y=col(y),
                s=col(np.full_like(t, v_yd)),
                a=col(np.full_like(t, v_yd ** 2 / r_yd)), o=col(d), dir=col(d), ball_t=t,
                ball_x=np.full(len(t), np.nan, np.float32), ball_y=np.full(len(t), np.nan, np.float32), events=[])
    m = build_motion(play)
    sk = m.skeleton
    ts = np.arange(1.0, 5.0, 0.25)
    J = m.joints_at(ts)[:, 0]
    lean = (J[:, sk.index("neck"), :2] - J[:, sk.index("mid_hip"), :2])
    to_centre = np.array([50, 26.7]) * YARD - J[:, 0, :2]
    to_centre /= np.linalg.norm(to_centre, axis=1, keepdims=True)
    inward = np.sum(lean * to_centre, axis=1)
    # a = v^2/r = 4.1 yd/s^2 = 3.7 m/s^2 -> about 20 degrees: the neck is well inside the hip
    assert np.all(inward > 0.08), inward
    assert np.all(inward < 0.35), inward
