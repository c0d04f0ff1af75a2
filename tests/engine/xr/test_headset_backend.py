"""Headset: the headset backend through a scripted headset (recorded OpenXR poses and session events,
rendered offscreen), and the backend fallback with the real pyopenxr and no runtime."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.app import open_play, update_frame
from engine.backends.interface import DisplayBackend, DisplayUnavailable
from engine.renderer import Renderer
from engine.xr.clock import NS
from engine.xr.coords import panda_heading
from engine.xr.headset import HeadsetBackend, XrEvent, run_headset_loop
from engine.xr.runtime import RuntimeProbe
from engine.xr.scripted import HeadsetTrace, ScriptedHeadset
from engine.xr.session_state import Command, XrState

PERIOD = 11_111_111  # 90 Hz
T0 = 7_000 * NS


def trace(n=90, *, yaw_deg=None, eye_yaw_deg=None, throw_at=None, events=None, pos=(0.2, 1.8, -0.4)):
    t = T0 + np.arange(n, dtype=np.int64) * PERIOD
    yaw = np.radians(np.zeros(n) if yaw_deg is None else yaw_deg)
    head_q = np.stack([np.cos(yaw / 2), 0 * yaw, np.sin(yaw / 2), 0 * yaw], 1)  # about OpenXR +Y
    kw = {}
    if eye_yaw_deg is not None:
        e = np.radians(eye_yaw_deg)
        kw["eye_orientation"] = np.stack([np.cos(e / 2), 0 * e, np.sin(e / 2), 0 * e], 1)
        kw["eye_position"] = np.tile(pos, (n, 1))
        kw["eye_time_ns"] = t - 3_000_000  # the tracker samples 3 ms before the display time
    if throw_at is not None:
        th = np.zeros((n, 2))
        th[throw_at:throw_at + 5, 1] = 1.0
        kw["throw"] = th
    return HeadsetTrace(t, np.tile(pos, (n, 1)), head_q, events=events or {}, **kw)


@pytest.fixture
def headset_view(tiny_play):
    made = []

    def make(tr, **kw):
        drv = ScriptedHeadset(tr, eye_size=(96, 96), **kw)
        be = HeadsetBackend(drv)
        r = Renderer(be)
        view = open_play(r, tiny_play, camera="qb")
        made.append(r)
        return drv, be, r, view
    yield make
    for r in made:
        r.close()


def test_scripted_headset_is_a_display_backend(headset_view):
    drv, be, r, view = headset_view(trace(4))
    assert isinstance(be, DisplayBackend)
    assert be.tracked and be.name == "xr" and len(r.views) == 2
    assert r.overlay is None  # no 2D HUD glued to the eyes


def test_lifecycle_frames_and_play_time_from_display_times(headset_view):
    drv, be, r, view = headset_view(trace(30))
    be.start_clock(-1.0)
    times = []

    def step(f):
        times.append(f.play_time)
        update_frame(view, f.play_time)
        return True
    n = run_headset_loop(be, step, r.render)
    assert n == 30
    assert times[0] == -1.0 and times[-1] == pytest.approx(-1.0 + 29 * PERIOD / NS)
    assert drv.calls[0] == "begin_session" and drv.calls[-1] == "end_session"
    assert drv.calls.count("begin_frame") == 30 and len(drv.submitted) == 30
    assert all(with_layers for _, with_layers in drv.submitted)
    assert [t for t, _ in drv.submitted] == list(T0 + np.arange(30) * PERIOD)
    assert be.should_close() and "exit" in be.states.exit_reason


def test_focus_lost_mid_rep_pauses_play_time_and_resumes_without_a_jump(headset_view):
    ev = {10: [XrEvent("state", XrState.VISIBLE)], 20: [XrEvent("state", XrState.FOCUSED)]}
    drv, be, r, view = headset_view(trace(30, events=ev))
    seen = []
    frames = []
    be.on_command.append(seen.append)
    run_headset_loop(be, lambda f: frames.append(f) or True, r.render)
    assert seen[:2] == [Command.PAUSE_REP, Command.RESUME_REP]
    t = [f.play_time for f in frames]
    # frames 10..19 are shown while paused: play time frozen at frame 9's
    assert all(x == pytest.approx(t[9]) for x in t[10:20])
    # resumed from the frozen time: one frame period later, no jump over the pause
    assert t[20] == pytest.approx(t[9])
    assert t[21] - t[20] == pytest.approx(PERIOD / NS)
    assert be.commands[-1] == Command.SAVE_AND_EXIT


def test_headset_lost_mid_rep_pauses_then_asks_to_save_and_leave(headset_view):
    drv, be, r, view = headset_view(trace(60, events={12: [XrEvent("state", XrState.LOSS_PENDING)]}))
    seen = []
    be.on_command.append(seen.append)
    n = run_headset_loop(be, lambda f: True, r.render)
    assert n == 12
    assert seen == [Command.PAUSE_REP, Command.SAVE_AND_EXIT]
    assert "end_session" not in drv.calls  # a lost session is destroyed, not ended
    assert be.should_close() and "lost" in be.states.exit_reason


def test_head_gaze_follows_the_real_head_after_recentring(headset_view):
    yaw = np.concatenate([np.full(5, 40.0), np.linspace(40, 70, 10)])  # trainee starts turned 40 deg
    drv, be, r, view = headset_view(trace(15, yaw_deg=yaw))
    frames = []
    run_headset_loop(be, lambda f: frames.append(f) or True, r.render)
    f0, f1 = frames[0], frames[-1]
    assert f0.gaze.source == "head" and be.gaze_source == "head"
    assert np.allclose(f0.gaze.direction, [0, 1, 0], atol=1e-9)      # recentred: faces the rig's +Y, downfield
    assert np.allclose(f0.head.position, [0, 0, 1.8])                 # real eye height
    # 30 degrees to the left of where he started
    assert math.degrees(panda_heading(np.array(f1.head.orientation))) == pytest.approx(30.0)
    assert f1.gaze.time_ns == f1.display_time_ns


def test_eye_gaze_used_when_the_headset_tracks_eyes(headset_view):
    n = 12
    eye = np.full(n, 10.0)
    eye[6:] = np.nan  # tracker loses the eyes: falls back to head gaze for those frames
    drv, be, r, view = headset_view(trace(n, eye_yaw_deg=eye))
    assert be.info.eye_gaze
    frames = []
    run_headset_loop(be, lambda f: frames.append(f) or True, r.render)
    assert [f.gaze.source for f in frames] == ["eye"] * 6 + ["head"] * 6
    assert be.gaze_sources == {"eye": 6, "head": 6} and be.gaze_source == "mixed"
    assert math.degrees(panda_heading(panda_forward_q(frames[0].gaze.direction))) == pytest.approx(10.0)
    assert frames[0].gaze.time_ns == frames[0].display_time_ns - 3_000_000  # the tracker's own sample time


def panda_forward_q(direction):
    from engine.xr.coords import look_rotation
    return look_rotation(direction)


def test_trigger_pull_throws_once_with_the_hand(headset_view):
    drv, be, r, view = headset_view(trace(20, throw_at=8))
    frames = []
    run_headset_loop(be, lambda f: frames.append(f) or True, r.render)
    thrown = [(i, f.throw_hand) for i, f in enumerate(frames) if f.throw_hand is not None]
    assert thrown == [(8, 1)]


def test_stereo_eyes_render_the_play_into_swapchain_images(headset_view, tiny_play):
    """Both eyes go through the real driver's path: draw callbacks attach an acquired sRGB swapchain image,
    clear it with the sky, draw the play, release it; what was released is what the headset shows."""
    drv, be, r, view = headset_view(trace(3))
    view.scene.field.find("**/stadium").hide()  # stands and sky dome off: the clear colour shows above

    def step(f):
        update_frame(view, tiny_play.event_time("ball_snap") or 0.0)
        return True
    run_headset_loop(be, step, r.render, max_frames=2)
    assert [sc.acquired for sc in drv.swapchains] == [2, 2]          # one image per eye per frame
    assert all(sc.held is None for sc in drv.swapchains)             # every image handed back
    assert all(with_layers for _, with_layers in drv.submitted)      # both eyes drawn before xrEndFrame
    left, right = drv.eye_image(0), drv.eye_image(1)
    assert left.shape == (96, 96, 3)
    g = left.astype(int)
    green = (g[..., 1] > g[..., 0] + 20) & (g[..., 1] > g[..., 2] + 10)
    sky = (np.abs(g - np.array([140, 179, 217])) < 12).all(axis=-1)  # the renderer's clear colour, unconverted
    assert green[60:].mean() > 0.5 and sky[:20].mean() > 0.5           # turf below the horizon, sky above
    assert not np.array_equal(left, right)  # two eyes, two viewpoints
    # the rig stands at the QB's feet facing downfield (+x)
    assert r.rig.get_h() == pytest.approx(-90.0)


# ------------------------------------------------------------------ fallback

def test_auto_prefers_the_headset_then_the_desktop_then_offscreen_with_one_line(monkeypatch):
    import engine.xr.runtime as runtime
    from engine.training.launch import choose_backend
    lines = []
    monkeypatch.setattr(runtime, "probe_runtime", lambda: RuntimeProbe(True, runtime="Monado 21.0.0", system="HMD"))
    assert choose_backend("auto", say=lines.append) == "xr" and lines == []
    monkeypatch.setattr(runtime, "probe_runtime", lambda: RuntimeProbe(False, "no OpenXR runtime is installed"))
    import engine.backends.panda_display as panda_display
    monkeypatch.setattr(panda_display, "display_available", lambda: True)  # an X server answers on DISPLAY
    assert choose_backend("auto", say=lines.append) == "desktop"
    monkeypatch.setattr(panda_display, "display_available", lambda: False)
    assert choose_backend("auto", say=lines.append) == "offscreen"
    assert lines == ["no headset (no OpenXR runtime is installed): running the desktop window",
                     "no headset (no OpenXR runtime is installed): running the offscreen backend"]
    assert choose_backend("offscreen", say=lines.append) == "offscreen" and len(lines) == 2


def test_real_pyopenxr_without_runtime_falls_back_to_offscreen(monkeypatch, tmp_path, capsys):
    """The real pyopenxr and its loader, no runtime: `qbvr train --backend auto` trains offscreen after one line
    saying why; `--backend xr` (and the headset backend itself) fail with the runtimes to install."""
    pytest.importorskip("xr")
    import os

    from engine.cli import main
    from engine.xr.headset import HeadsetBackend
    from engine.xr.openxr_driver import OpenXRDriver
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("XR_LOADER_DEBUG", raising=False)
    # an active-runtime manifest that points nowhere: the loader finds no runtime on any machine
    monkeypatch.setenv("XR_RUNTIME_JSON", str(tmp_path / "no_runtime.json"))
    args = ["synthetic:pressure_hot", "--trainee", "scripted:1@0.2,throw=1@0.6", "--size", "64x36", "--fps", "30",
            "--no-report"]
    assert main(["train", *args, "--backend", "auto", "--out", str(tmp_path / "s")]) == 0
    err = [l for l in capsys.readouterr().err.splitlines() if l.strip()]
    assert err == ["no headset (no OpenXR runtime is installed or active): running the offscreen backend"]
    assert os.environ["XR_LOADER_DEBUG"] == "none"  # the loader's own stderr lines are silenced
    assert main(["train", *args, "--backend", "xr", "--out", str(tmp_path / "x")]) == 2
    msg = capsys.readouterr().err
    assert msg.count("\n") == 1
    for runtime in ("SteamVR", "Meta Quest Link", "Monado", "Varjo"):
        assert runtime in msg
    with pytest.raises(DisplayUnavailable, match="Monado"):
        Renderer(HeadsetBackend(OpenXRDriver()))


def test_a_session_that_never_starts_waits_then_gives_up(tiny_play):
    drv = ScriptedHeadset(trace(5), eye_size=(32, 32), auto_start=False)
    be = HeadsetBackend(drv)
    r = Renderer(be)
    try:
        assert run_headset_loop(be, lambda f: True, r.render, max_wait_s=0.05) == 0
        assert drv.tick > 0 and "begin_session" not in drv.calls and not be.should_close()
    finally:
        r.close()


def test_looking_down_in_the_headset_shows_grass_not_the_qbs_body(tiny_play):
    """The trainee is the QB: in first person his body is hidden, so looking at his feet shows the turf."""
    n = 3
    t = T0 + np.arange(n, dtype=np.int64) * PERIOD
    down = np.radians(-85.0)  # about OpenXR +X: pitch down
    q = np.tile([np.cos(down / 2), np.sin(down / 2), 0.0, 0.0], (n, 1))
    be = HeadsetBackend(ScriptedHeadset(HeadsetTrace(t, np.tile([0.0, 1.8, 0.0], (n, 1)), q), eye_size=(64, 64)))
    r = Renderer(be)
    try:
        view = open_play(r, tiny_play, camera="qb")
        snap = tiny_play.event_time("ball_snap") or 0.0
        assert view.scene.figures.visible[view.scene.qb] == 0

        def centre():
            run_headset_loop(be, lambda f: update_frame(view, snap) or True, r.render, max_frames=1)
            c = be.driver.eye_image(0)[24:40, 24:40].astype(int)
            line = c.min(axis=-1) > 200  # the rig stands on the QB's spot at the snap, on a yard line here
            return (((c[..., 1] > c[..., 0] + 20) & (c[..., 1] > c[..., 2] + 10)) | line).mean()
        hidden = centre()
        view.scene.figures.set_hidden(None)
        shown = centre()
        assert hidden > 0.9          # turf under his feet
        assert shown < hidden - 0.2  # with the body drawn, his own helmet/shoulders/legs cover it
    finally:
        r.close()


def test_recenter_button_recentres_on_the_current_spot_and_heading(headset_view):
    n = 10
    yaw = np.array([0.0] * 4 + [50.0] * 6)
    tr = trace(n, yaw_deg=yaw)
    tr.head_position[4:, 0] += 0.5      # he also stepped 0.5 m to the side
    tr.recenter = np.array([False] * 6 + [True] * 2 + [False] * 2)
    drv, be, r, view = headset_view(tr)
    frames = []
    run_headset_loop(be, lambda f: frames.append(f) or True, r.render)
    h = [math.degrees(panda_heading(np.array(f.head.orientation))) for f in frames]
    assert h[3] == pytest.approx(0.0) and h[5] == pytest.approx(50.0)
    assert h[6] == pytest.approx(0.0) and h[9] == pytest.approx(0.0)   # recentred when pressed, once
    assert np.allclose(frames[6].head.position[:2], [0, 0]) and frames[5].head.position[0] != 0


def test_trigger_throw_carries_the_controllers_aim_ray(headset_view):
    n = 12
    tr = trace(n, throw_at=6)
    aim_p = np.tile([[-0.2, 1.2, -0.3], [0.25, 1.2, -0.3]], (n, 1, 1))
    right = np.radians(-20.0)  # the right controller points 20 degrees to the right, level
    aim_q = np.tile([[1.0, 0, 0, 0], [np.cos(right / 2), 0, np.sin(right / 2), 0]], (n, 1, 1))
    aim_q[:3, 1] = np.nan  # right controller untracked for the first frames
    tr.aim_position, tr.aim_orientation = aim_p, aim_q
    drv, be, r, view = headset_view(tr)
    frames = []
    run_headset_loop(be, lambda f: frames.append(f) or True, r.render)
    assert frames[0].aim[1] is None and frames[0].aim[0] is not None
    f = frames[6]
    assert f.throw_hand == 1
    origin, d = f.aim[1]
    assert math.degrees(panda_heading(panda_forward_q(d))) == pytest.approx(-20.0)
    assert origin[0] == pytest.approx(0.25 - 0.2) and origin[2] == pytest.approx(1.2)  # relative to the recentre spot


def test_train_auto_falls_back_when_the_headset_session_fails(monkeypatch, tmp_path, capsys):
    """`qbvr train --backend auto`: a runtime that answers the probe but refuses the session (here: the real
    pyopenxr with no runtime behind the probe) falls back to offscreen with one line saying why."""
    pytest.importorskip("xr")
    import engine.xr.runtime as runtime
    from engine.cli import main
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("XR_RUNTIME_JSON", str(tmp_path / "none.json"))
    monkeypatch.setattr(runtime, "probe_runtime", lambda: RuntimeProbe(True, runtime="Fake 1.0.0", system="HMD"))
    rc = main(["train", "synthetic:pressure_hot", "--backend", "auto", "--trainee", "scripted:1@0.2,throw=1@0.6",
               "--out", str(tmp_path / "s"), "--size", "64x36", "--fps", "30", "--no-report"])
    assert rc == 0
    err = capsys.readouterr().err.strip().splitlines()
    line = next(l for l in err if l.startswith("no headset ("))
    assert "no OpenXR runtime" in line and line.endswith("running the offscreen backend")
    from engine.training.session.stream import read_stream
    assert read_stream(tmp_path / "s").header.backend == "offscreen"


def test_quitting_asks_the_runtime_once_and_the_session_winds_down(headset_view):
    drv, be, r, view = headset_view(trace(50))
    n = run_headset_loop(be, lambda f: True, r.render, max_frames=5)
    be.request_exit()
    be.request_exit()
    rest = run_headset_loop(be, lambda f: True, r.render)
    assert drv.calls.count("request_exit") == 1
    assert n == 5 and rest == 0 and be.should_close() and drv.calls[-1] == "end_session"


def test_the_rep_waits_for_focus_before_play_time_runs(tiny_play):
    tr = trace(12, events={5: [XrEvent("state", XrState.FOCUSED)]})
    drv = ScriptedHeadset(tr, eye_size=(32, 32), auto_start="unfocused")
    be = HeadsetBackend(drv)
    be.start_clock(-2.0)
    r = Renderer(be)
    try:
        frames = []
        run_headset_loop(be, lambda f: frames.append(f) or True, r.render)
    finally:
        r.close()
    t = [f.play_time for f in frames]
    assert t[:6] == [-2.0] * 6                     # shown, but the trainee has not got focus yet
    assert t[6] == pytest.approx(-2.0 + PERIOD / NS)
    assert [f.throw_hand for f in frames] == [None] * 12


def test_the_desktop_mirror_shows_the_left_eye(headset_view, tiny_play):
    drv, be, r, view = headset_view(trace(3))
    run_headset_loop(be, lambda f: update_frame(view, 0.0) or True, r.render, max_frames=2)
    eye = drv.eye_image(0).astype(float)        # 96 x 96
    mirror = drv.mirror_image().astype(float)   # 64 x 36 window: the eye letterboxed to 36 x 36 in the middle
    assert mirror.shape == (36, 64, 3)
    assert mirror[:, :10].max() < 5 and mirror[:, -10:].max() < 5    # black bars left and right
    mid = mirror[:, 14:50]
    # top rows sky, bottom rows turf, as in the eye
    assert np.abs(mid[:6].mean(axis=(0, 1)) - eye[:16].mean(axis=(0, 1))).max() < 25
    assert np.abs(mid[-6:].mean(axis=(0, 1)) - eye[-16:].mean(axis=(0, 1))).max() < 25
