"""The play goes on after the trainee departs from the real QB: the model's play, the ball's flight on screen,
the outcome and its records, the same seed replaying identically."""

from __future__ import annotations

import numpy as np
import pytest

from engine.outcome import OUTCOMES
from engine.training.clock import FixedStepClock
from engine.training.consequences import departure_play, thrown_play
from engine.training.launch import open_session
from engine.training.loop import RepPlan, run_session
from engine.training.session.records import ModelTracks, RepOutcome
from engine.training.session.stream import read_stream, read_summary
from replay.roles import release_time

KEY = "2018092311:141"


def test_the_shown_play_is_the_recording_until_the_real_release_then_the_model(real_pass_play):
    shown, t_model = departure_play(real_pass_play, seed=5)
    assert t_model == pytest.approx(release_time(real_pass_play))
    before = real_pass_play.t[(real_pass_play.t >= -2.0) & (real_pass_play.t < t_model - 1e-6)]
    k = np.searchsorted(shown.t, before)
    j = np.searchsorted(real_pass_play.t, before)
    assert np.array_equal(shown.x[k], real_pass_play.x[j])
    assert shown.t[-1] > t_model + 0.1 and release_time(shown) is None  # no real throw in the model's play
    again, _ = departure_play(real_pass_play, seed=5)
    assert np.array_equal(again.x, shown.x)


def test_a_throw_has_an_outcome_the_ball_flies_to_the_catch_point(real_pass_play):
    shown, _ = departure_play(real_pass_play, seed=2)
    target = int(real_pass_play.meta.target_nfl_id)
    thrown, res = thrown_play(shown, 2.4, target, seed=2, cp=0.8)
    assert res.outcome.result in OUTCOMES and res.t_arrive > 2.6
    assert release_time(thrown) == pytest.approx(2.4, abs=1e-6)
    k = thrown.frame_at(res.t_arrive)
    bx = np.interp(res.t_arrive, thrown.ball_t, thrown.ball_x)
    assert abs(bx - res.catch_xy[0]) < 0.2
    col = thrown.roster.index_of(target)
    assert np.hypot(thrown.x[k, col] - res.catch_xy[0], thrown.y[k, col] - res.catch_xy[1]) < 2.0


@pytest.mark.render
@pytest.mark.shared_data
def test_the_ball_is_seen_in_flight_and_the_same_seed_replays_identically(real_store, tmp_path):
    play = real_store.load(KEY)
    spec = "2@0.5,throw=2@2.4"
    diffs, shots = [], {}

    def after(rep, t, session):
        r = session.renderer
        ball = r.scene.find("**/ball")
        if 2.6 <= t <= 3.2 and not ball.is_empty():
            with_ball = r.screenshot().astype(int)
            ball.hide()
            r.render()
            without = r.screenshot().astype(int)
            ball.show()
            r.render()
            diffs.append(int((np.abs(with_ball - without).sum(-1) > 30).sum()))
            shots[round(t, 2)] = with_ball

    outs = []
    for name in ("a", "b"):
        with open_session("offscreen", trainee=f"scripted:{spec}", size=(320, 180)) as session:
            res = run_session([RepPlan(KEY, play, lead_s=0.5)], session.renderer, session.trainee, tmp_path / name,
                              clock=FixedStepClock(20), after_render=lambda rep, t, s=session: after(rep, t, s))
        outs.append(res)
    assert diffs and max(diffs) > 4, diffs  # the ball covers pixels of the picture during its flight
    a, b = (read_stream(tmp_path / n) for n in ("a", "b"))
    oa, ob = a.of_type(RepOutcome, 1)[0], b.of_type(RepOutcome, 1)[0]
    assert oa == ob or (oa.result, oa.catch, oa.seed) == (ob.result, ob.catch, ob.seed)
    assert oa.result in OUTCOMES and oa.seed == 1
    ta, tb = a.of_type(ModelTracks, 1)[0], b.of_type(ModelTracks, 1)[0]
    assert ta.x == tb.x and ta.times[0] == pytest.approx(2.4, abs=1e-4)
    s = read_summary(tmp_path / "a")["reps"][0]
    assert s["score"]["outcome"] == oa.result and s["model_from_t"] == pytest.approx(2.4) and s["seed"] == 1
    assert outs[0].summary == read_summary(tmp_path / "a")


@pytest.mark.render
@pytest.mark.shared_data
def test_holding_the_ball_past_the_real_release_the_rush_keeps_coming(real_store, tmp_path):
    play = real_store.load(KEY)
    with open_session("offscreen", trainee="scripted:2@0.5", size=(64, 36)) as session:
        res = run_session([RepPlan(KEY, play, lead_s=0.3)], session.renderer, session.trainee, tmp_path / "s",
                          clock=FixedStepClock(20))
    rep = res.summary["reps"][0]
    assert rep["score"]["outcome"] in ("sack", "no_throw")
    assert rep["end_t"] > release_time(play)  # the rep went on past the real release
    assert rep["model_from_t"] == pytest.approx(release_time(play))
    got = read_stream(tmp_path / "s")
    assert got.of_type(RepOutcome, 1)[0].result == rep["score"]["outcome"]
    assert got.of_type(ModelTracks, 1)[0].times[0] == pytest.approx(release_time(play), abs=1e-4)


@pytest.mark.render
@pytest.mark.shared_data
def test_the_result_screen_is_followed_by_an_overhead_instant_replay_of_the_ball(real_store, tmp_path):
    from engine.training.loop import REPLAY_HINT, REPLAY_S
    play = real_store.load(KEY)
    frames = []
    with open_session("offscreen", trainee="scripted:2@0.5,throw=2@2.4", size=(320, 180)) as session:
        def after(rep, t):
            r = session.renderer
            texts = "\n".join(n.node().get_text() for n in r.overlay.find_all_matches("**/+TextNode"))
            ball = r.scene.find("**/ball")
            frames.append((t, float(r.rig.get_pos()[2]), REPLAY_HINT in texts, ball.get_pos()))
        res = run_session([RepPlan(KEY, play, lead_s=0.5)], session.renderer, session.trainee, tmp_path / "s",
                          clock=FixedStepClock(20), after_render=after, hold_s=0.05)
    t_arr = res.summary["reps"][0]["score"]["ball"]["t_arrive"]
    replay = [f for f in frames if f[2]]
    assert replay, "no instant replay frames"
    times = [f[0] for f in replay]
    assert times[0] == pytest.approx(t_arr + 0.6 - REPLAY_S, abs=0.05) and times[-1] == pytest.approx(t_arr + 0.6,
                                                                                                      abs=0.05)
    live_height = np.median([f[1] for f in frames if not f[2]])
    assert min(f[1] for f in replay) > live_height + 5.0  # an overhead camera, not the QB's eyes
    in_air = [f[3][2] for f in replay if 2.6 <= f[0] <= t_arr - 0.2]
    assert in_air and max(in_air) > 3.0  # the ball's flight is in the replay, high over the field
