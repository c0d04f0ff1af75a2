"""Pass sets, engaged pairs and separation on real plays: linemen face the line, engaged pairs reach for each
other, and limb capsules overlap less than with the tracks as synthesised."""

from __future__ import annotations

import numpy as np
import pytest

from replay.motion import build_motion
from replay.pass_set import blockers, engagements, pass_set_facing
from replay.separation import capsules, overlap_share, segment_distance


def test_segment_distance():
    a0, a1 = np.array([0.0, 0, 0]), np.array([1.0, 0, 0])
    assert segment_distance(a0, a1, np.array([0.5, 1, 0]), np.array([0.5, 2, 0])) == pytest.approx(1.0)
    assert segment_distance(a0, a1, np.array([2.0, 0, 0]), np.array([3.0, 0, 0])) == pytest.approx(1.0)
    assert segment_distance(a0, a1, np.array([0.5, -1, 0]), np.array([0.5, 1, 0])) == pytest.approx(0.0)


@pytest.mark.shared_data
def test_linemen_face_the_line_in_pass_protection(real_pass_play):
    play = real_pass_play
    set_play = pass_set_facing(play)
    ol = blockers(play)
    assert len(ol) == 5
    f = int(np.searchsorted(play.t, 1.0))
    eng = engagements(play)[f]
    free = ol[eng < 0]
    off = np.abs((set_play.o[f, free] - 90.0 + 180.0) % 360.0 - 180.0)
    assert (off < 1.0).all(), f"unengaged linemen face downfield at +1 s: {set_play.o[f, free]}"
    assert np.array_equal(set_play.x, play.x), "positions stay the tracked ones"
    assert (engagements(play) >= 0).any(), "the rush meets the line"


@pytest.mark.shared_data
def test_engaged_pairs_reach_and_bodies_overlap_less(real_pass_play):
    play = real_pass_play
    before, after = build_motion(play, contact=False), build_motion(play, contact=True)
    sel = (after.times >= 0) & (after.times <= 6.0)
    ts = after.times[sel][::6]
    hb, n = overlap_share(before.joints_at(ts), before.skeleton, before.heights)
    ha, _ = overlap_share(after.joints_at(ts), after.skeleton, after.heights)
    assert ha < 0.7 * hb, f"overlapping frames {hb}/{n} before, {ha}/{n} after"
    # an engaged blocker's arms are extended toward the rusher: hands out in front, nearer his chest than before
    eng = engagements(play)
    sk = after.skeleton
    for f, b in np.argwhere(eng >= 0)[::7]:
        t = float(play.t[f])
        me, opp = blockers(play)[b], eng[f, b]
        Ja, Jb = after.joints_at(t), before.joints_at(t)
        chest = 0.5 * (Ja[opp, sk.index("l_shoulder")] + Ja[opp, sk.index("r_shoulder")])
        mine = 0.5 * (Ja[me, sk.index("l_shoulder")] + Ja[me, sk.index("r_shoulder")])
        toward = (chest - mine)[:2] / np.linalg.norm((chest - mine)[:2])
        hands_a = Ja[me, sk.indices("l_hand", "r_hand")]
        hands_b = Jb[me, sk.indices("l_hand", "r_hand")]
        assert ((hands_a - mine)[:, :2] @ toward > 0.25).all(), f"arms extended at {t:+.1f} s"
        assert np.linalg.norm(hands_a - chest, axis=1).mean() < np.linalg.norm(hands_b - chest, axis=1).mean()
    assert len(capsules(sk, after.heights)[0]) == 10
