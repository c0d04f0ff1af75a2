"""Headset end to end: a training rep through a scripted headset (recorded OpenXR head/eye poses and a
trigger pull, through `HeadsetBackend`, the headset trainee and the runtime's display-time clock) produces the
same metrics as the scripted desktop trainee given the same gaze trace."""

from __future__ import annotations

import numpy as np
import pytest

from engine.backends.panda_display import PandaDisplay
from engine.outcome import OUTCOMES
from engine.renderer import Renderer
from engine.training.clock import FixedStepClock
from engine.training.loop import RepPlan, run_session
from engine.training.session.records import FrameSample
from engine.training.session.stream import read_stream
from engine.training.trainee import ScriptedTrainee
from engine.xr.clock import HeadsetClock
from engine.xr.coords import look_rotation, panda_position_to_xr, panda_quat_to_xr
from engine.xr.headset import HeadsetBackend, XrEvent
from engine.xr.scripted import HeadsetTrace, ScriptedHeadset
from engine.xr.session_state import Command, XrState
from engine.xr.tracking import Recenter
from engine.xr.trainee import HeadsetTrainee
from replay.roles import passer
from scenes.cameras import headset_spot
from scenes.pose_source import pose_source_for
from scenes.synthetic_plays import synthetic_play

FPS = 90
SPEC = "1@0.2,2@0.7,3@1.2,throw=3@1.7"
T0_NS = 5_000_000_000_000


@pytest.fixture(scope="module")
def play():
    return synthetic_play("cover3_smash")


@pytest.fixture(scope="module")
def desktop(play, tmp_path_factory):
    """The scripted desktop trainee's session: its summary and its per-frame gaze trace."""
    out = tmp_path_factory.mktemp("desktop")
    r = Renderer(PandaDisplay("offscreen", (64, 36)))
    try:
        res = run_session([RepPlan("synthetic:cover3_smash", play)], r, ScriptedTrainee(SPEC), out,
                          clock=FixedStepClock(FPS))
    finally:
        r.close()
    return res.summary, read_stream(out).of_type(FrameSample, 1)


def gaze_trace(play, frames, *, eyes: bool, extra=0, events=None) -> HeadsetTrace:
    """The desktop trainee's gaze, frame by frame, as a headset would report it: STAGE poses in OpenXR axes
    (the rig frame: the QB's spot at the snap, facing downfield - the trainee walks the real QB's dropback),
    display times at 90 Hz, the trigger at the throw frame. With `eyes`, the eye tracker carries the gaze and
    the head stays facing downfield at eye level."""
    spot = headset_spot(play, passer(play))
    n = len(frames) + extra
    pos = np.zeros((n, 3))
    gaze_q = np.zeros((n, 4))
    for i in range(n):
        f = frames[min(i, len(frames) - 1)]
        rel = np.asarray(f.eye) - [spot[0], spot[1], 0.0]
        d = np.asarray(f.gaze, np.float64)
        # world -> rig (heading -90: the rig's +Y is the field's +x)
        pos[i] = [-rel[1], rel[0], rel[2]]
        gaze_q[i] = panda_quat_to_xr(look_rotation([-d[1], d[0], d[2]]))
    t = T0_NS + np.round(np.arange(n) * 1e9 / FPS).astype(np.int64)
    throw = np.zeros((n, 2))
    throw[len(frames) - 1:, 1] = 1.0  # the right trigger on the desktop trainee's throw frame
    xr_pos = panda_position_to_xr(pos)
    if not eyes:
        return HeadsetTrace(t, xr_pos, gaze_q, throw=throw, events=events or {})
    level = np.tile(panda_quat_to_xr(look_rotation([0.0, 1.0, -0.1])), (n, 1))
    return HeadsetTrace(t, xr_pos, level, eye_position=xr_pos, eye_orientation=gaze_q, eye_time_ns=t - 2_000_000,
                        throw=throw, events=events or {})


def headset_session(play, trace, out):
    be = HeadsetBackend(ScriptedHeadset(trace, eye_size=(48, 48)))
    be.recenter_pose = Recenter()  # the play area is already centred: STAGE = the rig's frame
    r = Renderer(be)
    try:
        trainee = HeadsetTrainee(be, r.rig, r.scene, throw="trigger")
        res = run_session([RepPlan("synthetic:cover3_smash", play)], r, trainee, out, clock=HeadsetClock(be))
    finally:
        r.close()
    return res.summary, read_stream(out).of_type(FrameSample, 1), be, trainee


def assert_same_metrics(a, b, *, skip=()):
    ra, rb = a["reps"][0], b["reps"][0]
    assert ra["frames"] == rb["frames"]
    sa, sb = dict(ra["score"]), dict(rb["score"])
    assert sa.keys() == sb.keys()
    for k in sa:
        if isinstance(sa[k], float):
            assert sb[k] == pytest.approx(sa[k], abs=1e-6), k
        elif k == "ball":  # thrown from the headset trainee's head, replayed from eye points recorded to the mm
            assert sb[k] == _approx(sa[k], abs=0.01), k
        else:
            assert sb[k] == sa[k], k
    ga, gb = ra["gaze"], rb["gaze"]
    assert ga.keys() == gb.keys()
    for k in ga:
        if k in skip:
            continue
        assert _approx(gb[k]) == _approx(ga[k]), k


def _approx(v, abs=1e-5):
    if isinstance(v, float):
        return pytest.approx(v, abs=abs)
    if isinstance(v, dict):
        return {k: _approx(x, abs) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_approx(x, abs) for x in v]
    return v


def test_headset_rep_matches_the_desktop_scripted_trainee(play, desktop, tmp_path):
    summary, frames = desktop
    rep = summary["reps"][0]
    assert rep["score"]["outcome"] in OUTCOMES and rep["gaze"]["reads"] == 2 and rep["score"]["decision_t"] == 1.7
    hs, hframes, be, trainee = headset_session(play, gaze_trace(play, frames, eyes=False, extra=30), tmp_path)
    assert_same_metrics(summary, hs)
    # the same frames at the same play times (from predicted display times), hitting the same players
    assert [f.play_t for f in hframes] == pytest.approx([f.play_t for f in frames], abs=1e-6)
    assert [f.hit_nfl_id for f in hframes] == [f.hit_nfl_id for f in frames]
    assert {f.source for f in hframes} == {"head"} and be.gaze_source == "head"
    assert trainee.throws and trainee.throws[0]["hand"] == "right" and trainee.throws[0]["aim"] == "gaze"
    assert hs["backend"] == "xr" and hs["trainee"] == "headset"


def test_eye_tracked_headset_rep_measures_the_eyes_not_the_head(play, desktop, tmp_path):
    summary, frames = desktop
    hs, hframes, be, _ = headset_session(play, gaze_trace(play, frames, eyes=True, extra=30), tmp_path)
    assert {f.source for f in hframes} == {"eye"} and be.gaze_source == "eye"
    # everything measured from the gaze is the same; the head stayed level, so only head pitch differs
    pitch_keys = {k for k in summary["reps"][0]["gaze"] if "pitch" in k}
    assert_same_metrics(summary, hs, skip=pitch_keys)
    assert all(abs(f.head_pitch - np.degrees(np.arctan(-0.1))) < 0.01 for f in hframes)


def test_headset_lost_mid_rep_keeps_the_recording(play, desktop, tmp_path):
    summary, frames = desktop
    k = len(frames) // 2
    tr = gaze_trace(play, frames, eyes=False, events={k: [XrEvent("state", XrState.LOSS_PENDING)]})
    hs, hframes, be, _ = headset_session(play, tr, tmp_path)
    assert be.commands == [Command.PAUSE_REP, Command.SAVE_AND_EXIT]
    rep = hs["reps"][0]
    assert rep["score"]["outcome"] == "quit" and len(hframes) == k
    assert [f.hit_nfl_id for f in hframes] == [f.hit_nfl_id for f in frames[:k]]
    assert read_stream(tmp_path).complete


def test_throw_goes_to_the_receiver_the_controller_points_at(play, desktop, tmp_path):
    from engine.training.gaze import aim_point
    summary, frames = desktop
    rep = summary["reps"][0]
    target = next(r for r in rep["receivers"] if r["key"] == 1)  # he looks at 3 but points at 1
    assert target["nfl_id"] != rep["score"]["chosen"]
    tr = gaze_trace(play, frames, eyes=False, extra=30)
    poses = pose_source_for(play)
    spot = headset_spot(play, passer(play))
    n = len(tr)
    aim_p = np.full((n, 2, 3), np.nan)
    aim_q = np.full((n, 2, 4), np.nan)
    for i in range(n):
        f = frames[min(i, len(frames) - 1)]
        joints = np.asarray(poses.joints_at(f.play_t), np.float64)
        hand = np.asarray(f.eye) + [0.0, -0.3, -0.4]  # right hand, in front of the chest (world)
        p = aim_point(joints, poses.joint_names, play.roster.index_of(target["nfl_id"])) - hand
        rel = hand - [spot[0], spot[1], 0.0]
        aim_p[i, 1] = panda_position_to_xr([-rel[1], rel[0], rel[2]])
        aim_q[i, 1] = panda_quat_to_xr(look_rotation([-p[1], p[0], p[2]]))
    tr.aim_position, tr.aim_orientation = aim_p, aim_q
    hs, hframes, be, trainee = headset_session(play, tr, tmp_path)
    assert hs["reps"][0]["score"]["chosen"] == target["nfl_id"]
    assert hs["reps"][0]["score"]["decision_t"] == pytest.approx(rep["score"]["decision_t"], abs=1e-6)
    assert trainee.throws[0]["aim"] == "controller"


def test_headset_rep_matches_the_desktop_trainee_on_a_real_play(real_pass_play, tmp_path):
    """The same check on a real shared play (S. Bradford's deep TD): real tracking, real skeletons."""
    play = real_pass_play
    ref = play.key
    spec = "1@0.3,2@0.8,throw=2@2.0"
    r = Renderer(PandaDisplay("offscreen", (64, 36)))
    try:
        desk = run_session([RepPlan(ref, play)], r, ScriptedTrainee(spec), tmp_path / "d", clock=FixedStepClock(FPS))
    finally:
        r.close()
    frames = read_stream(tmp_path / "d").of_type(FrameSample, 1)
    assert desk.summary["reps"][0]["score"]["outcome"] in OUTCOMES
    be = HeadsetBackend(ScriptedHeadset(gaze_trace(play, frames, eyes=False, extra=30), eye_size=(48, 48)))
    be.recenter_pose = Recenter()
    r = Renderer(be)
    try:
        hs = run_session([RepPlan(ref, play)], r, HeadsetTrainee(be, r.rig, r.scene, throw="trigger"), tmp_path / "h",
                         clock=HeadsetClock(be))
    finally:
        r.close()
    assert_same_metrics(desk.summary, hs.summary)
    hframes = read_stream(tmp_path / "h").of_type(FrameSample, 1)
    assert [f.hit_nfl_id for f in hframes] == [f.hit_nfl_id for f in frames]
