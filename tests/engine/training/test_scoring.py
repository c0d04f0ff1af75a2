"""Rep end rules (sack when the real pressure arrives, no throw at the end) and decision scoring."""

from __future__ import annotations

import pytest

from engine.training.scoring import pressure_time, rep_clock, score_rep
from replay.roles import passer
from tests.conftest import make_play


def fake_cp(play, t):
    # receivers 1006..1010: CP rises with the id and falls with time
    return {1006 + k: round(0.9 - 0.1 * k - 0.01 * t, 6) for k in range(5)}


def test_pressure_from_a_sack_event_or_a_defender_reaching_the_qb(tiny_play):
    import numpy as np
    qb = passer(tiny_play)
    assert pressure_time(tiny_play, qb) == (None, "none")  # the tiny play's rushers never get there
    d = tiny_play.players_where(side="def")[0]
    w = np.clip(tiny_play.t / 2.0, 0, 1).astype(np.float32)  # a rusher closing on the QB, there at 2.0 s
    x0, y0 = tiny_play.x[:, d].copy(), tiny_play.y[:, d].copy()
    tiny_play.x[:, d] = x0 + (tiny_play.x[:, qb] - x0) * w
    tiny_play.y[:, d] = y0 + (tiny_play.y[:, qb] - y0) * w
    t, how = pressure_time(tiny_play, qb)
    assert how == "rusher_reached_qb" and 1.7 < t < 2.0
    play = make_play()
    i = play.frame_at(1.5)
    play.events = sorted(play.events + [(i, "qb_sack")])
    assert pressure_time(play, passer(play)) == (pytest.approx(1.5), "qb_sack")


def test_no_pressure_ends_at_the_recording(tiny_play):
    play = make_play()
    defs = play.players_where(side="def")
    play.x[:, defs] += 30.0  # nobody comes near the quarterback
    c = rep_clock(play, passer(play), lead_s=3.0)
    assert c.pressure_t is None and c.stop == pytest.approx(float(play.t[-1]))
    assert c.start == pytest.approx(max(float(play.t[0]), -3.0))


def test_score_a_throw(tiny_play):
    s = score_rep(tiny_play, outcome="throw", throw_t=1.2, chosen=1008, cp_fn=fake_cp)
    assert s["decision_t"] == 1.2 and s["chosen"] == 1008
    assert s["cp_chosen"] == pytest.approx(0.7 - 0.012) and s["best"] == 1006
    assert s["cp_best"] == pytest.approx(0.9 - 0.012)
    assert s["quality"] == pytest.approx(-0.2)
    assert s["real"]["release_t"] == pytest.approx(2.5) and s["real"]["target"] == 1006
    assert s["real"]["cp"] == pytest.approx(0.9 - 0.025)
    assert not s["sacked"]


def test_score_a_sack(tiny_play):
    s = score_rep(tiny_play, outcome="sack", throw_t=None, chosen=None, cp_fn=fake_cp)
    assert s["sacked"] and s["decision_t"] is None and s["cp_chosen"] is None
