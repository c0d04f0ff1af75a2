"""The continuation model against the real shared pass plays: the acceptance figures of `qbvr eval continuation`
(held out by game) and a scripted trainee throwing at the real release."""

import numpy as np
import pytest

from engine.outcome import OUTCOMES, decide
from replay.continuation import Continuation
from replay.continuation.dataset import play_tracks
from replay.continuation.evaluate import evaluate
from replay.continuation.params import default_params
from replay.events import ARRIVAL_EVENTS
from replay.timebase import sample_ball_track


@pytest.fixture(scope="module")
def pass_plays(real_store):
    return [real_store.load(k) for k, s in sorted(real_store.index().items()) if s.get("play_type") == "pass"]


@pytest.fixture(scope="module")
def two_second(pass_plays):
    return evaluate(pass_plays, 2.0, base=default_params())[0]


def test_one_second_ahead_every_role_beats_constant_velocity(pass_plays):
    rep, _ = evaluate(pass_plays, 1.0, base=default_params())
    assert rep["plays"] >= 130
    for role, a in rep["ade"].items():
        assert a["model"] <= a["constant_velocity"], role


def test_two_seconds_ahead_the_model_is_well_under_constant_velocity(two_second):
    a = two_second["ade"]
    assert a["rushers"]["model"] <= 0.85 * a["rushers"]["constant_velocity"]
    assert a["coverage"]["model"] <= 0.85 * a["coverage"]["constant_velocity"]
    assert a["receivers"]["model"] <= 0.9 * a["receivers"]["constant_velocity"]


def test_sack_rate_rises_with_the_hold(two_second):
    r = list(two_second["sack_rate_by_hold"].values())
    assert r[0] <= 0.05 and r[-1] >= 0.40
    assert all(b >= a for a, b in zip(r, r[1:]))


def test_the_model_places_the_ball_in_the_air_players_better_than_constant_velocity(two_second):
    b = two_second["ball_in_air_rmse"]
    assert b["model"] < b["constant_velocity"]


def test_a_throw_to_the_real_target_at_the_real_release_always_has_an_outcome(pass_plays):
    n = 0
    for k, play in enumerate(pass_plays):
        pt = play_tracks(play)
        if pt is None or pt.sacked or play.meta.target_nfl_id is None:
            continue
        t_rel = float(pt.t[pt.release_i])
        arr = [float(play.t[i]) for i, e in play.events if e in ARRIVAL_EVENTS and play.t[i] > t_rel]
        bx, by = sample_ball_track(play, np.array([min(arr)]))
        c = Continuation(play, t_rel, seed=k)
        tgt = play.roster.index_of(int(play.meta.target_nfl_id))
        c.throw(tgt, np.array([bx[0], by[0]]), min(arr))
        c.advance_to(min(arr))
        assert c.sack_t is None, play.key
        pos = c.sample(min(arr))[0]
        d = play.players_where(side="def")
        sep = float(np.min(np.linalg.norm(pos[d] - np.array([bx[0], by[0]]), axis=1)))
        assert decide(0.6, sep, seed=k).result in OUTCOMES
        n += 1
    assert n >= 130
