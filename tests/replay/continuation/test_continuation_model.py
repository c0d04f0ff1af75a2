"""The continuation model on tiny synthetic plays: continuity at the hand-off, limits, sacks, throws, seeds."""

import json

import numpy as np
import pytest

from replay.ball_flight import air_time, throw_path
from replay.continuation import Continuation, default_params, load_params
from replay.continuation.features import RECEIVER, RUSHER
from replay.continuation.params import params_to_dict
from replay.errors import InputError
from replay.roles import passer
from replay.timebase import sample_tracks


def test_the_model_starts_exactly_where_the_recording_is(tiny_play):
    c = Continuation(tiny_play, 1.0)
    tr = sample_tracks(tiny_play, np.array([1.0]))
    pos, vel = c.sample(1.0)
    assert np.allclose(pos[:, 0], tr.x[0], atol=1e-6) and np.allclose(pos[:, 1], tr.y[0], atol=1e-6)
    assert np.allclose(vel[:, 0], tr.vx[0], atol=1e-6)


def test_steps_stay_within_the_measured_speed_and_acceleration(tiny_play):
    p = default_params()
    c = Continuation(tiny_play, 1.0, p)
    c.advance(3.0)
    t, pos = c.history()
    v = np.diff(pos, axis=0) / p.dt
    top = max(g.v_max for g in p.groups.values())
    assert np.nanmax(np.linalg.norm(v, axis=-1)) <= top + 1e-6
    acc = np.linalg.norm(np.diff(v, axis=0), axis=-1) / p.dt
    assert np.nanmax(acc) <= max(g.a_max for g in p.groups.values()) + 1e-6
    assert np.isclose(t[-1], 4.0, atol=1e-6)


def test_same_seed_same_tracks_and_the_qb_never_teleports(tiny_play):
    a, b = Continuation(tiny_play, 1.0, seed=3), Continuation(tiny_play, 1.0, seed=3)
    for c in (a, b):
        c.set_qb(np.array([35.0, 26.7]))
        for _ in range(25):
            c.advance(1 / 90)
    assert np.array_equal(a.history()[1], b.history()[1])
    q = passer(tiny_play)
    assert np.allclose(a.history()[1][1:, q], [35.0, 26.7])


def test_a_rusher_within_arms_reach_of_the_standing_qb_sacks_him(tiny_play):
    c = Continuation(tiny_play, 1.5)
    rush = c.layout.of(RUSHER)
    c.set_qb(c.sample(1.5)[0][rush[0]] + np.array([-0.5, 0.0]))  # the QB steps into a rusher
    c.advance(0.2)
    assert c.sack_t is not None and c.sacked_by in rush.tolist()
    t = c.t
    c.advance(1.0)
    assert c.t == t  # the play is over


def test_a_throw_before_any_step_is_never_a_sack_and_the_target_reaches_the_catch_point(tiny_play):
    c = Continuation(tiny_play, 2.5)
    tgt = int(c.layout.of(RECEIVER)[0])
    start = c.sample(2.5)[0][tgt]
    catch = start + np.array([6.0, 2.0])
    c.throw(tgt, catch, 3.5)
    c.advance_to(3.5)
    assert c.sack_t is None
    assert np.linalg.norm(c.sample(3.5)[0][tgt] - catch) < 1.0


def test_params_round_trip_and_a_bad_file_names_the_field(tmp_path):
    p = default_params()
    d = params_to_dict(p)
    f = tmp_path / "p.json"
    f.write_text(json.dumps(d))
    q = load_params(f)
    assert np.allclose(q.groups["rushers"].W, p.groups["rushers"].W, atol=1e-5)
    d["groups"]["coverage"]["W"] = [[1.0]]
    f.write_text(json.dumps(d))
    with pytest.raises(InputError, match="groups.coverage.W"):
        load_params(f)


def test_shipped_params_carry_their_provenance():
    prov = default_params().provenance
    assert prov["data"]["plays"] > 100 and prov["cross_validated"]["by"] == "game"


def test_a_throw_path_leaves_the_hand_lands_at_the_catch_and_arcs_under_gravity():
    p0, p1 = np.array([0.0, 0.0, 1.8]), np.array([20.0, 5.0, 1.6])
    t = np.linspace(1.0, 2.2, 13)
    path = throw_path(p0, p1, 1.0, 2.2, t)
    assert np.allclose(path[0], p0) and np.allclose(path[-1], p1)
    assert np.isclose(path[6, 2] - (p0[2] + p1[2]) / 2, 0.5 * 9.81 * 0.6 * 0.6)
    assert air_time(40.0) > air_time(10.0) > 0
