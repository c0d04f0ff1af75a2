"""Time base: Hermite track sampling, shortest-arc angles, the Timeline clock mapping."""

from __future__ import annotations

import numpy as np
import pytest

from replay.errors import QbvrError
from replay.field_frame import FIELD
from replay.timebase import Timeline, hermite, sample_tracks


def test_tracks_pass_through_every_sample_and_match_recorded_velocity(tiny_play):
    tr = sample_tracks(tiny_play, tiny_play.t)
    ok = np.isfinite(tiny_play.x)
    assert np.allclose(tr.x[ok], tiny_play.x[ok], atol=1e-4)
    assert np.allclose(tr.y[ok], tiny_play.y[ok], atol=1e-4)
    # tangents at the knots are the recorded s along dir (the synthetic play's agree with displacement)
    rad = np.radians(tiny_play.dir.astype(np.float64))
    vx = tiny_play.s * np.sin(rad)
    assert np.allclose(tr.vx[5:-5], vx[5:-5], atol=0.05)


def test_positions_are_c1_across_knots(tiny_play):
    eps = 1e-5
    knots = tiny_play.t[10:40]
    left = sample_tracks(tiny_play, knots - eps)
    right = sample_tracks(tiny_play, knots + eps)
    assert np.max(np.abs(left.vx - right.vx)) < 1e-2
    assert np.max(np.abs(left.x - right.x)) < 1e-3


def test_hermite_is_exact_for_a_cubic():
    t = np.array([0.0, 0.1, 0.3, 0.6])
    f = lambda x: 2 * x ** 3 - x ** 2 + 3 * x + 1  # noqa: E731
    df = lambda x: 6 * x ** 2 - 2 * x + 3  # noqa: E731
    q = np.linspace(0, 0.6, 37)
    pos, vel, _ = hermite(t, f(t)[:, None], df(t)[:, None], q)
    assert np.allclose(pos[:, 0], f(q)) and np.allclose(vel[:, 0], df(q))


def test_angles_take_the_shortest_arc(tiny_play):
    play = tiny_play
    play.o[:, 0] = np.where(np.arange(play.n_frames) % 2 == 0, 350.0, 10.0).astype(np.float32)
    mid = (play.t[:-1] + play.t[1:]) / 2
    o = sample_tracks(play, mid).o[:, 0]
    assert np.all(np.minimum(o, 360 - o) < 1e-3)  # halfway between 350 and 10 is 0, never 180


def test_nan_gaps_are_bridged(tiny_play):
    tiny_play.x[20:25, 3] = np.nan
    tr = sample_tracks(tiny_play, np.linspace(tiny_play.t[0], tiny_play.t[-1], 200))
    assert np.isfinite(tr.x).all()


def test_world_frame_is_metres_with_z_up():
    w = FIELD.to_world(np.array([10.0]), np.array([20.0]), 1.5)
    assert np.allclose(w, [[9.144, 18.288, 1.5]])


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_timeline_speed_pause_seek_loop():
    clk = FakeClock()
    tl = Timeline(-2.0, 6.0, events={"ball_snap": 0.0, "pass_forward": 2.5}, clock=clk)
    assert tl.now() == -2.0
    clk.now += 1.0
    assert tl.now() == pytest.approx(-1.0)
    tl.set_speed(0.5)
    clk.now += 2.0
    assert tl.now() == pytest.approx(0.0)  # no jump when the speed changes
    tl.pause()
    clk.now += 5.0
    assert tl.now() == pytest.approx(0.0) and tl.paused
    tl.step(0.1)
    assert tl.now() == pytest.approx(0.1)
    tl.resume()
    tl.seek("pass_forward")
    assert tl.now() == pytest.approx(2.5)
    clk.now += 100.0
    assert tl.now() == 6.0 and tl.finished()  # clamps at the end without loop
    tl.loop = True
    tl.seek(5.0)
    tl.set_speed(1.0)
    clk.now += 3.5  # 5 + 3.5 = 8.5 = 0.5 past the end of the 8 s span -> -2 + 2.5
    assert tl.now() == pytest.approx(0.5)
    assert not tl.finished()


def test_timeline_for_play_resolves_events_and_rejects_unknown(tiny_play):
    tl = Timeline.for_play(tiny_play, start="ball_snap", end="pass_arrived", clock=FakeClock())
    assert tl.start == 0.0 and tl.end == pytest.approx(tiny_play.event_time("pass_arrived"))
    assert tl.resolve("1.25") == 1.25
    with pytest.raises(QbvrError, match="unknown event 'kickoff'"):
        tl.resolve("kickoff")
    with pytest.raises(QbvrError, match="before"):
        Timeline.for_play(tiny_play, start="pass_arrived", end="ball_snap", clock=FakeClock())
