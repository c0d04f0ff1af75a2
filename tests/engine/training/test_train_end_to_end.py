"""The training loop end to end — a scripted trainee on a real play, crash safety under SIGKILL,
`qbvr demo` headless, `qbvr report` recomputing the summary from the stream."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.cli import main
from engine.outcome import OUTCOMES
from engine.training.session.records import ButtonPress, FrameSample, Throw
from engine.training.session.stream import read_stream, read_summary
from engine.training.trainee import TraineeSpecError, default_spec, parse_spec
from replay.roles import passer

FRAME = 1 / 60  # one frame of the rep clock
FRAME_ROUNDED = FRAME + 1e-4  # the summary rounds times to 4 decimals: 0.9167 is one frame after 0.9

REPO = Path(__file__).resolve().parents[3]
QBVR = [sys.executable, "-m", "engine.cli"]


def test_spec_parsing():
    steps = parse_spec("1@0.3, 2@0.8,throw=2@2.4")
    assert [(s.t, s.who, s.throw) for s in steps] == [(0.3, "1", False), (0.8, "2", False), (2.4, "2", True)]
    assert parse_spec("#88@-1,id:2552600@0.5,rush@1,throw=id:2552600@2")[0].who == "#88"
    for bad in ("1@", "nobody@1", "throw=rush@2", "1@0.3,throw=1@1,throw=2@2"):
        with pytest.raises(TraineeSpecError):
            parse_spec(bad)
    spec = default_spec(4, 2.0)  # pressure at 2.0: throw at 1.7
    assert spec.endswith("@1.7") and spec.count("throw=") == 1


@pytest.mark.shared_data
@pytest.mark.render
def test_scripted_trainee_on_real_play(real_store, tmp_path, capsys):
    """Looks at receiver A for 0.5 s, then B, throws to B at 2.4 s: metrics within one frame of the script and the
    CP of the choice equal to `qbvr cp timeline` at that instant."""
    from engine.training.launch import train

    play = real_store.load("2018092311:141")
    ids = {str(n): int(i) for i, n in zip(play.roster.nfl_id, play.roster.name)}
    A, B = ids["David Johnson"], ids["Jermaine Gresham"]  # clear lines of sight from the pocket in these windows
    spec = f"id:{A}@0.4,id:{B}@0.9,throw=id:{B}@2.4"
    res = train("2018092311:141", backend="offscreen", trainee=f"scripted:{spec}", out=tmp_path / "s",
                store=str(real_store.root), size=(320, 180), report=False)
    rep = res.summary["reps"][0]
    s, g = rep["score"], rep["gaze"]
    assert s["outcome"] in OUTCOMES and s["chosen"] == B
    assert abs(s["decision_t"] - 2.4) <= FRAME_ROUNDED
    assert abs(g["first_look"][str(A)] - 0.4) <= FRAME_ROUNDED
    assert abs(g["first_look"][str(B)] - 0.9) <= FRAME_ROUNDED
    assert abs(g["dwell"][str(A)] - 0.5) <= FRAME_ROUNDED
    assert abs(g["dwell"][str(B)] - 1.5) <= FRAME_ROUNDED
    assert g["reads"] == 1
    assert [x["nfl_id"] for x in g["look_sequence"]] == [A, B]
    assert g["quiet_eye"]["target"] == B and g["quiet_eye"]["on_chosen"]
    # the real QB: Bradford's 3.2 s touchdown to Seals-Jones
    assert s["real"]["release_t"] == pytest.approx(3.2) and s["real"]["target"] == ids["Ricky Seals-Jones"]
    capsys.readouterr()
    assert main(["cp", "timeline", "2018092311:141", "--json", "--store", str(real_store.root)]) == 0
    tl = json.loads(capsys.readouterr().out)
    k = min(range(len(tl["t"])), key=lambda i: abs(tl["t"][i] - s["decision_t"]))
    assert abs(tl["t"][k] - s["decision_t"]) < 1e-9
    cps = {r["nfl_id"]: r["cp"][k] for r in tl["receivers"]}
    assert s["cp_chosen"] == cps[B]
    assert s["cp_best"] == max(cps.values()) and s["best"] == max(cps, key=cps.get)
    assert s["quality"] == pytest.approx(cps[B] - max(cps.values()), abs=1e-4)
    # the summary on disk is what the stream recomputes to
    assert read_summary(tmp_path / "s") == json.loads(json.dumps(res.summary))


@pytest.mark.render
@pytest.mark.slow
def test_sigkill_loses_at_most_the_last_flush(tmp_path):
    """A running `qbvr train` killed with SIGKILL: every sample up to the last flush reads back."""
    out = tmp_path / "killed"
    stream = out / "stream.msgpack"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([*QBVR, "train", "synthetic:cover3_smash", "--backend", "offscreen", "--realtime",
                             "--size", "320x180", "--out", str(out), "--no-report"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        seen = 0
        while time.monotonic() < deadline:  # wait until frames stream in for a while
            size = stream.stat().st_size if stream.exists() else 0
            if size > 20000:
                break
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        else:
            pytest.fail("the session never wrote frames")
        seen = stream.stat().st_size
        time.sleep(0.7)
        assert proc.poll() is None, "the rep ended before the kill"
        proc.send_signal(signal.SIGKILL)
        killed_at = time.time()
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    size = stream.stat().st_size
    got = read_stream(out)
    assert got.consumed >= seen  # everything that reached the file before the kill is recovered...
    assert got.consumed == size or got.problem.startswith("truncated")  # ...and nothing else is lost
    assert not got.complete
    frames = got.of_type(FrameSample, 1)
    assert [f.index for f in frames] == list(range(len(frames)))
    last_wall = got.header.epoch + frames[-1].wall_t
    assert killed_at - last_wall <= 0.5 + 0.25  # at most the flush interval (plus scheduling slack) is lost
    # the interrupted session still reports: the summary is recomputed from the stream
    assert main(["report", str(out), "--out", str(tmp_path / "rep")]) == 0
    summary = read_summary(out)
    assert summary["complete"] is False and summary["reps"][0]["complete"] is False
    assert summary["reps"][0]["frames"] == len(frames)
    assert len(list((tmp_path / "rep").glob("*.png"))) == 3


@pytest.mark.render
@pytest.mark.slow
def test_demo_headless_writes_session_and_report(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("DISPLAY", None)
    env.pop("XR_RUNTIME_JSON", None)
    t0 = time.monotonic()
    r = subprocess.run([*QBVR, "demo", "--out", str(tmp_path / "demo")], cwd=REPO, env=env, capture_output=True,
                       text=True, timeout=180)
    wall = time.monotonic() - t0
    assert r.returncode == 0, r.stderr
    assert "offscreen backend with the scripted trainee" in r.stdout
    assert "report:" in r.stdout and "rep 3:" in r.stdout
    summary = read_summary(tmp_path / "demo")
    assert [rep["key"].split(":")[1] for rep in summary["reps"]] == ["1", "2", "3"]
    assert all(rep["complete"] for rep in summary["reps"]) and summary["complete"]
    tt = summary["totals"]
    assert tt["reps"] == 3 and tt["throws"] + tt["sacks"] + tt["no_throws"] == 3
    assert "totals: 3 reps" in r.stdout
    assert len(list((tmp_path / "demo" / "report").glob("rep*_*.png"))) == 9
    print(f"qbvr demo headless: {wall:.1f} s")
    # `qbvr report` recomputes the same summary from the stream
    before = (tmp_path / "demo" / "summary.json").read_text()
    assert main(["report", str(tmp_path / "demo"), "--out", str(tmp_path / "again")]) == 0
    assert (tmp_path / "demo" / "summary.json").read_text() == before


class FakeKeys:
    def __init__(self):
        self.events: list[str] = []
        self.pos: tuple[float, float] | None = (0.0, 0.0)

    def poll(self):
        ev, self.events = self.events, []
        return ev

    def mouse(self):
        return self.pos


class FakeWindow:
    def is_closed(self):
        return False


def _rep_info(play):
    from engine.cp.timeline import context_for
    from engine.training.trainee import RepInfo, number_receivers
    from scenes.pose_source import StandingPoses
    poses = StandingPoses(play)
    qb = passer(play)
    rc = number_receivers(play, qb, context_for(play).nfl_ids)
    return RepInfo(play, qb, rc, -3.0, 5.0, poses.joint_names), poses


def test_desktop_trainee_mouse_look_click_and_keys(tiny_play):
    from engine.training.gaze import aim_point, head_angles
    from engine.training.trainee import DesktopTrainee, FrameInfo
    from scenes.cameras import eye_point

    rep, poses = _rep_info(tiny_play)
    # keys go from the QB's left (+y) to his right
    ys = [tiny_play.y[tiny_play.event_frame("ball_snap"), r.col] for r in rep.receivers]
    assert ys == sorted(ys, reverse=True) and [r.key for r in rep.receivers] == list(range(1, len(ys) + 1))
    keys = FakeKeys()
    tr = DesktopTrainee(FakeWindow(), keys=keys)
    tr.begin_rep(rep)
    j = poses.joints_at(1.0)
    eye = eye_point(j[rep.qb], poses.joint_names)
    frame = FrameInfo(1.0, j, eye, rep)
    keys.pos = (0.0, 0.0)
    g = tr.gaze(frame)
    assert head_angles(g.head)[0] == pytest.approx(0.0) and g.source == "mouse"
    keys.pos = (-0.5, 0.0)  # cursor left of centre: the head turns left (+yaw)
    assert head_angles(tr.gaze(frame).head)[0] == pytest.approx(40.0)
    assert tr.throw(frame) is None
    keys.events = ["3"]
    tr.gaze(frame)
    th = tr.throw(frame)
    assert th.how == "key" and th.nfl_id == rep.receivers[2].nfl_id
    # a click with the crosshair on receiver 2 throws to him
    target = rep.receivers[1]
    yaw, pitch = head_angles(aim_point(j, poses.joint_names, target.col) - eye)
    keys.pos = (-yaw / tr.look.yaw_range, (pitch - tr.look.pitch0) / tr.look.pitch_range)
    keys.events = ["mouse1"]
    tr.gaze(frame)
    th = tr.throw(frame)
    assert th.how == "click" and th.nfl_id == target.nfl_id
    keys.events = ["escape"]
    tr.gaze(frame)
    assert tr.wants_quit()


@pytest.mark.render
def test_training_frames_show_receiver_keys_and_follow_the_gaze(tmp_path):
    """The rendered rep: number labels above the receivers, and the camera turned to the receiver looked at."""
    import numpy as np

    from engine.backends.panda_display import PandaDisplay
    from engine.renderer import Renderer
    from engine.training.clock import FixedStepClock
    from engine.training.loop import RepPlan, run_session
    from engine.training.trainee import ScriptedTrainee
    from scenes.drills import load_play_ref

    plan = RepPlan("synthetic:pressure_hot", load_play_ref("synthetic:pressure_hot"), lead_s=0.5)
    r = Renderer(PandaDisplay("offscreen", (480, 270)))
    shots = {}

    def hook(rep, t):
        if t in (0.3, 1.0):
            shots[t] = r.screenshot()

    try:
        res = run_session([plan], r, ScriptedTrainee("1@0,5@0.6,throw=5@1.1"), tmp_path / "s",
                          clock=FixedStepClock(30), after_render=hook, hold_s=0.2)  # the outcome stays up 0.2 s
    finally:
        r.close()
    assert res.summary["reps"][0]["score"]["outcome"] in OUTCOMES
    for img in shots.values():
        yellow = (img[..., 0] > 200) & (img[..., 1] > 170) & (img[..., 2] < 110)
        assert yellow.sum() > 20  # the key labels
    # looking at receiver 1 (far left) and then 5 (far right): the pictures differ a lot
    assert np.abs(shots[0.3].astype(int) - shots[1.0].astype(int)).mean() > 20


@pytest.mark.render
def test_holding_the_ball_is_a_sack_when_the_pressure_arrives(tmp_path):
    from engine.backends.panda_display import PandaDisplay
    from engine.renderer import Renderer
    from engine.training.clock import FixedStepClock
    from engine.training.consequences import departure_play
    from engine.training.loop import RepPlan, run_session
    from engine.training.scoring import pressure_time
    from engine.training.trainee import ScriptedTrainee
    from scenes.drills import load_play_ref

    # past the real release the continuation model plays on: the pressure is the one in the play he is shown
    play = load_play_ref("synthetic:pressure_hot")
    pt, how = pressure_time(departure_play(play, 1)[0], passer(play))
    r = Renderer(PandaDisplay("offscreen", (320, 180)))
    try:
        res = run_session([RepPlan("synthetic:pressure_hot", play, lead_s=0.2)], r, ScriptedTrainee("4@0.1,rush@1.0"),
                          tmp_path / "s", clock=FixedStepClock(30))
    finally:
        r.close()
    rep = res.summary["reps"][0]
    assert rep["score"]["outcome"] == "sack" and rep["score"]["sacked"]
    assert rep["end_t"] == pytest.approx(pt) and rep["pressure_how"] == how
    assert rep["gaze"]["share"]["rush"] > 0.4  # eyes on the rush after 1.0 s
    frames = read_stream(tmp_path / "s").of_type(FrameSample, 1)
    assert frames[-1].play_t < pt <= frames[-1].play_t + 1 / 30 + 1e-9


def test_result_line(tiny_play):
    from engine.cp import cp_at
    from engine.training.loop import RepEnd, result_text
    rep, _ = _rep_info(tiny_play)
    assert result_text(tiny_play, rep, RepEnd("sack", 2.345)) == "SACKED at 2.3 s"
    nid = rep.receivers[0].nfl_id
    line = result_text(tiny_play, rep, RepEnd("throw", 1.0, nid))
    assert line.startswith(f"threw to 1 at 1.00 s: CP {cp_at(tiny_play, 1.0)[nid]:.2f}")


def test_cli_errors_are_one_line_and_leave_no_session(tmp_path, capsys):
    out = tmp_path / "s"
    assert main(["train", "builtin", "--backend", "offscreen", "--trainee", "scripted:9@0.3,throw=9@1",
                 "--out", str(out)]) == 2
    assert "receiver 9" in capsys.readouterr().err and not out.exists()
    assert main(["train", "no_such_drill", "--backend", "offscreen"]) == 2
    assert "no such drill" in capsys.readouterr().err
    assert main(["report", str(tmp_path)]) == 2
    assert "cannot read the session stream" in capsys.readouterr().err


@pytest.mark.render
def test_desktop_trainee_through_the_training_loop(tmp_path):
    """The desktop trainee's whole path (mouse-look, a number key, the recorded inputs) with fake input, offscreen."""
    from engine.backends.panda_display import PandaDisplay
    from engine.renderer import Renderer
    from engine.training.clock import FixedStepClock
    from engine.training.loop import RepPlan, run_session
    from engine.training.trainee import DesktopTrainee
    from scenes.drills import load_play_ref

    class ScheduledKeys(FakeKeys):
        def __init__(self):
            super().__init__()
            self.n = 0

        def poll(self):
            self.n += 1
            return ["2"] if self.n == 62 else []  # begin_rep polls once, then frame 60 (30 fps from -0.2 s): 1.8 s

    keys = ScheduledKeys()
    keys.pos = (0.25, 0.0)  # head turned 20 degrees to the right
    plan = RepPlan("synthetic:cover1_blitz", load_play_ref("synthetic:cover1_blitz"), lead_s=0.2)
    r = Renderer(PandaDisplay("offscreen", (320, 180)))
    try:
        res = run_session([plan], r, DesktopTrainee(FakeWindow(), keys=keys), tmp_path / "s",
                          clock=FixedStepClock(30), hold_s=0.0)
    finally:
        r.close()
    rep = res.summary["reps"][0]
    key2 = next(x["nfl_id"] for x in rep["receivers"] if x["key"] == 2)
    assert rep["score"]["outcome"] in OUTCOMES and rep["score"]["chosen"] == key2
    assert rep["score"]["decision_t"] == pytest.approx(1.8)
    got = read_stream(tmp_path / "s")
    assert [x.name for x in got.of_type(ButtonPress, 1)] == ["2"]
    assert [x.how for x in got.of_type(Throw, 1)] == ["key"]
    frames = got.of_type(FrameSample, 1)
    assert all(f.source == "mouse" and f.head_yaw == pytest.approx(-20.0, abs=1e-3) for f in frames)
