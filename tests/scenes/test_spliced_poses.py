"""The skeletons after a trainee's throw: synthesised on a short window of the thrown play and eased in from those
on screen, so the hand-off neither pauses (a whole play's skeletons took ~0.5-1 s) nor jumps."""

from __future__ import annotations

import copy

import numpy as np

from replay.transform import window_play
from scenes.pose_source import SplicedPoses, StandingPoses


def test_the_skeletons_after_a_throw_ease_in_without_a_jump(tiny_play):
    moved = copy.deepcopy(tiny_play)
    moved.x = moved.x + 1.0  # the second source disagrees by a yard everywhere
    before, after = StandingPoses(tiny_play), StandingPoses(moved)
    t_split, blend = 1.0, 0.3
    s = SplicedPoses(before, after, t_split, blend)
    assert np.allclose(s.joints_at(0.9), before.joints_at(0.9), equal_nan=True)
    assert np.allclose(s.joints_at(t_split), before.joints_at(t_split), equal_nan=True)  # no jump at the split
    assert np.allclose(s.joints_at(t_split + blend), after.joints_at(t_split + blend), equal_nan=True)
    ts = np.arange(t_split - 0.05, t_split + blend + 0.05, 1 / 90)
    steps = np.diff(np.stack([s.joints_at(float(t))[..., 0] for t in ts]), axis=0)
    own = np.diff(np.stack([before.joints_at(float(t))[..., 0] for t in ts]), axis=0)
    # eased over 0.3 s: the yard (0.91 m) spread over ~27 frames on top of the players' own motion, at most
    # 1.5x the mean step (a smoothstep's steepest)
    assert np.nanmax(np.abs(steps - own)) < 0.9144 / (blend * 90) * 1.5 + 1e-3
    assert np.allclose(s.ball_at(t_split + 0.01), after.ball_at(t_split + 0.01))  # the released ball never lags


def test_a_window_of_a_play_keeps_its_frames_and_events_from_a_time_on(tiny_play):
    t0 = 1.05
    w = window_play(tiny_play, t0)
    k = np.flatnonzero(tiny_play.t >= t0 - 1e-9)
    assert np.array_equal(w.t, tiny_play.t[k]) and np.array_equal(w.x, tiny_play.x[k])
    assert w.ball_t[0] >= t0 - 1e-9
    assert [(tiny_play.t[i], e) for i, e in tiny_play.events if i >= k[0]] == [(w.t[i], e) for i, e in w.events]
    w.validate()
