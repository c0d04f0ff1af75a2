"""The headset between reps and around them, on a scripted headset rendered offscreen: the fade, the ready panel
in front of the trainee, the trigger that starts the next rep and recentres, the controllers drawn where they
are, the menu button pausing the play clock."""

from __future__ import annotations

import numpy as np
import pytest

from engine.app import open_play, update_frame
from engine.renderer import Renderer
from engine.xr.coords import look_rotation, panda_position_to_xr, panda_quat_to_xr
from engine.xr.flow import HeadsetFlow
from engine.xr.headset import HeadsetBackend
from engine.xr.scripted import HeadsetTrace, ScriptedHeadset

HZ = 90


def trace(n, *, trigger_at=None, pause=(), head_turn_deg=0.0, step_m=(0.0, 0.0)):
    """A trainee standing at eye height facing +Y (rig frame), both controllers at his sides pointing ahead."""
    t = 1_000_000_000_000 + np.round(np.arange(n) * 1e9 / HZ).astype(np.int64)
    pos = np.tile(panda_position_to_xr([step_m[0], step_m[1], 1.75]), (n, 1))
    q = np.tile(panda_quat_to_xr(look_rotation([-np.sin(np.radians(head_turn_deg)),
                                                 np.cos(np.radians(head_turn_deg)), 0.0])), (n, 1))
    aim_p = np.tile(np.stack([panda_position_to_xr([-0.25, 0.35, 1.2]), panda_position_to_xr([0.25, 0.35, 1.2])]),
                    (n, 1, 1))
    aim_q = np.tile(panda_quat_to_xr(look_rotation([0.0, 1.0, 0.0])), (n, 2, 1))
    throw = np.zeros((n, 2))
    if trigger_at is not None:
        throw[trigger_at:trigger_at + 10, 1] = 1.0
    p = np.zeros(n, bool)
    for a, b in pause:
        p[a:b] = True
    return HeadsetTrace(t, pos, q, throw=throw, aim_position=aim_p, aim_orientation=aim_q, pause=p)


@pytest.fixture
def headset(tiny_play):
    made = []

    def make(tr):
        be = HeadsetBackend(ScriptedHeadset(tr, eye_size=(160, 160)))
        r = Renderer(be)
        view = open_play(r, tiny_play, camera="qb", hud=False)
        made.append(r)
        return be, r, view
    yield make
    for r in made:
        r.close()


def test_between_reps_fades_out_shows_the_ready_panel_and_waits_for_the_trigger(headset):
    be, r, view = headset(trace(400, trigger_at=200, head_turn_deg=30.0, step_m=(0.5, -0.3)))
    flow = HeadsetFlow(r, be)
    shots = {}

    def grab(f):
        n = be.frames
        if n in (3, 150):
            shots[n] = r.screenshot(0).astype(np.float64)
    be.on_frame.append(grab)
    be.start_clock(0.0)
    for _ in range(3):  # the play, lit
        f = be.wait()
        update_frame(view, f.play_time)
        r.render()
    assert flow.between_reps("threw to 2 at 1.70 s: CP 0.71", "rep 2 of 2: a pass") is True
    lit, panel = shots[3], shots[150]
    assert lit.mean() > 60  # sky and grass
    # faded: the scene is black but for the panel in front of the eyes, bright text on a dark card
    h, w, _ = panel.shape
    centre = panel[h // 3: 2 * h // 3].max(axis=2)
    assert panel[: h // 4].max() < 10  # the sky above the panel is black (the hands are below it)
    assert (centre > 150).sum() > 30 and ((centre > 8) & (centre < 60)).sum() > 500  # text, card
    rec = flow.interludes[0]
    assert rec["ready"] > rec["started"] and be.frames >= 200  # nothing moved on before the trigger
    assert not flow.panel.shown and flow.fade.level == 0.0
    # the next frame recentres on his stance (turned 30 degrees, half a metre off) and starts the fade in
    f = be.wait()
    assert np.allclose(f.head.position[:2], 0.0, atol=1e-6)
    assert abs(np.degrees(np.arctan2(-f.gaze.direction[0], f.gaze.direction[1]))) < 1e-3
    r.render()
    for _ in range(int(0.45 * HZ)):
        be.wait()
        r.render()
    assert flow.fade.level == 1.0


def test_controllers_are_drawn_where_they_are(headset):
    be, r, view = headset(trace(10))
    flow = HeadsetFlow(r, be)
    be.start_clock(0.0)
    f = be.wait()
    update_frame(view, f.play_time)
    r.render()
    for node, (o, d) in zip(flow.controllers.hands, f.aim):
        assert not node.is_hidden()
        p = node.get_pos()
        assert np.allclose([p[0], p[1], p[2]], o, atol=1e-4)
        fwd = node.get_quat().get_forward()
        assert np.allclose([fwd[0], fwd[1], fwd[2]], d, atol=1e-4)
    assert flow.controllers.hands[0].get_x() < 0 < flow.controllers.hands[1].get_x()  # left hand on the left


def test_menu_button_pauses_and_resumes_the_play_clock_without_a_jump(headset):
    be, r, view = headset(trace(120, pause=[(20, 23), (60, 63)]))
    flow = HeadsetFlow(r, be)
    be.start_clock(0.0)
    times, shown = [], []
    for _ in range(100):
        f = be.wait()
        times.append(f.play_time)
        shown.append(flow.panel.shown)
        r.render()
    dt = np.diff(times)
    assert np.allclose(dt[:19], 1 / HZ, atol=1e-6)
    assert np.all(dt[20:59] == 0.0)  # paused from the press at frame 20 until the press at 60
    assert np.allclose(dt[60:], 1 / HZ, atol=1e-6)  # and on without a jump
    assert times[60] == times[20]
    assert shown[25] and not shown[70]  # the "paused" panel while paused
