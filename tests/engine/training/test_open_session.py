"""`open_session`: the one place a training session is composed (display, renderer, trainee, clock) and the one
headset fallback; the loop asks trainees and clocks only through their Protocols."""

from __future__ import annotations

import numpy as np
import pytest

from engine.backends.interface import DisplayUnavailable
from engine.outcome import OUTCOMES
from engine.training.clock import FixedStepClock, FrameClock, RealTimeClock
from engine.training.launch import open_session
from engine.training.loop import RepPlan, run_session
from engine.training.session.records import FrameSample
from engine.training.session.stream import read_stream
from engine.training.trainee import DesktopTrainee, GazeInput, ScriptedTrainee, Trainee
from engine.xr.runtime import RuntimeProbe
from replay.errors import QbvrError
from scenes.drills import load_play_ref


class _Keys:
    def poll(self):
        return []

    def mouse(self):
        return None


class _Window:
    def is_closed(self):
        return False


@pytest.fixture
def no_headset(monkeypatch):
    """No OpenXR runtime answers and no X display: `auto` must end offscreen."""
    import engine.backends.panda_display as panda_display
    import engine.xr.runtime as runtime
    monkeypatch.setattr(runtime, "probe_runtime", lambda: RuntimeProbe(False, "no OpenXR runtime is installed"))
    monkeypatch.setattr(panda_display, "display_available", lambda: False)


@pytest.mark.render
def test_offscreen_session_runs_a_scripted_rep_with_a_fixed_clock(tmp_path):
    with open_session("offscreen", trainee="scripted:1@0.2,throw=1@0.6", size={"offscreen": (64, 36)},
                      fps=30) as session:
        assert session.backend == "offscreen" and session.renderer.backend.size == (64, 36)
        assert isinstance(session.trainee, ScriptedTrainee) and session.trainee.spec == "1@0.2,throw=1@0.6"
        assert isinstance(session.clock, FixedStepClock) and session.clock.fps == 30
        plan = RepPlan("synthetic:pressure_hot", load_play_ref("synthetic:pressure_hot"), lead_s=0.5)
        res = session.run([plan], tmp_path / "s", target="synthetic:pressure_hot")
    assert res.summary["reps"][0]["score"]["outcome"] in OUTCOMES
    h = read_stream(tmp_path / "s").header
    assert (h.backend, h.trainee, h.trainee_spec, h.clock, h.fps) == ("offscreen", "scripted", "1@0.2,throw=1@0.6",
                                                                    "FixedStepClock", 30.0)


@pytest.mark.render
def test_auto_without_a_headset_says_so_once_and_runs_offscreen(no_headset):
    lines: list[str] = []
    with open_session("auto", size=(64, 36), say=lines.append) as session:
        assert session.backend == "offscreen" and isinstance(session.trainee, ScriptedTrainee)
    assert lines == ["no headset (no OpenXR runtime is installed): running the offscreen backend"]


@pytest.mark.render
def test_auto_falls_back_when_the_runtime_answers_but_the_session_fails(monkeypatch, tmp_path):
    """The real pyopenxr loader with no runtime behind a probe that said yes: the same single fallback."""
    pytest.importorskip("xr")
    import engine.backends.panda_display as panda_display
    import engine.xr.runtime as runtime
    monkeypatch.setenv("XR_RUNTIME_JSON", str(tmp_path / "none.json"))
    monkeypatch.setattr(runtime, "probe_runtime", lambda: RuntimeProbe(True, runtime="Fake 1.0.0", system="HMD"))
    monkeypatch.setattr(panda_display, "display_available", lambda: False)
    lines: list[str] = []
    with open_session("auto", size=(64, 36), say=lines.append) as session:
        assert session.backend == "offscreen"
    assert len(lines) == 1 and lines[0].startswith("no headset (") and "OpenXR runtime" in lines[0]
    assert lines[0].endswith("): running the offscreen backend")
    with pytest.raises(DisplayUnavailable):  # asked for by name: no fallback
        open_session("xr", say=lines.append)
    assert len(lines) == 1


@pytest.mark.render
def test_a_trainee_the_display_cannot_have_is_one_error(no_headset):
    with pytest.raises(QbvrError, match="--trainee 'headset' is not scripted"):
        open_session("offscreen", trainee="headset", size=(64, 36))
    with pytest.raises(QbvrError, match="needs a desktop window"):
        open_session("offscreen", trainee="desktop", size=(64, 36))


def test_trainees_and_clocks_carry_every_protocol_member():
    from panda3d.core import NodePath

    from engine.xr.clock import HeadsetClock
    from engine.xr.headset import HeadsetBackend
    from engine.xr.scripted import HeadsetTrace, ScriptedHeadset
    from engine.xr.trainee import HeadsetTrainee

    hb = HeadsetBackend(ScriptedHeadset(HeadsetTrace(np.array([0], np.int64), np.zeros((1, 3)),
                                                     np.array([[1.0, 0, 0, 0]]))))
    trainees = {"scripted": ScriptedTrainee("1@0.2"), "desktop": DesktopTrainee(_Window(), keys=_Keys()),
                "headset": HeadsetTrainee(hb, NodePath("rig"))}
    for name, tr in trainees.items():
        assert isinstance(tr, Trainee) and tr.name == name
        assert tr.raw_inputs() == []
    assert [t.crosshair for t in trainees.values()] == [False, True, False]
    assert [t.result_hold_s for t in trainees.values()] == [0.0, 1.5, 0.0]
    assert [t.spec for t in trainees.values()] == ["1@0.2", None, "throw=motion"]  # the headset: how it throws
    assert trainees["desktop"].rep_spec is None and trainees["headset"].rep_spec is None
    clocks = [FixedStepClock(30), RealTimeClock(), HeadsetClock(hb)]
    assert [c.fps for c in clocks] == [30.0, None, None]
    for c in clocks:
        assert isinstance(c, FrameClock)
        c.abandon()  # nothing waited: a no-op on every clock


class _Downfield(Trainee):
    """The least a trainee must say: where he looks, whether he throws or quits."""

    name = "downfield-only"

    def begin_rep(self, rep) -> None:
        pass

    def gaze(self, frame) -> GazeInput:
        d = np.array([1.0, 0.0, 0.0], np.float32)
        return GazeInput(np.asarray(frame.eye, np.float32), d, d, "script")

    def throw(self, frame):
        return None

    def wants_quit(self) -> bool:
        return False


class _TenthSteps(FrameClock):
    def start(self, t0: float) -> None:
        self.t = t0

    def next(self) -> float:
        self.t = round(self.t + 0.1, 6)
        return self.t


@pytest.mark.render
def test_a_minimal_trainee_and_clock_run_on_the_protocol_defaults(tmp_path, no_headset):
    with open_session("offscreen", size=(64, 36)) as session:
        plan = RepPlan("synthetic:pressure_hot", load_play_ref("synthetic:pressure_hot"), lead_s=0.3)
        res = run_session([plan], session.renderer, _Downfield(), tmp_path / "s", clock=_TenthSteps())
    rep = res.summary["reps"][0]
    # the recording until the real release, then the continuation model's rush reaches the QB
    from replay.roles import release_time
    t_rel = release_time(plan.play)
    assert rep["score"]["outcome"] == "sack" and rep["model_from_t"] == pytest.approx(t_rel)
    assert t_rel < rep["end_t"] <= t_rel + 3.0
    got = read_stream(tmp_path / "s")
    assert (got.header.trainee, got.header.trainee_spec, got.header.fps) == ("downfield-only", None, None)
    assert all(f.gaze == [1.0, 0.0, 0.0] for f in got.of_type(FrameSample, 1))
