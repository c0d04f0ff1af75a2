"""Rusher/blocker and coverage matching from the tracks."""

import numpy as np

from replay.matchups import ENGAGE_YD, blocker_in_path, blockers, coverage, engagement, tracked_receiver
from replay.roles import eligible_receivers, pass_rushers, passer


def test_the_blocker_between_rusher_and_qb_is_matched_not_the_nearer_one_behind():
    rusher = np.array([[10.0, 20.0]])
    qb = np.array([0.0, 20.0])
    blk = np.array([[11.0, 20.0],   # behind the rusher, nearer
                    [8.5, 20.3],    # in his path
                    [5.0, 30.0]])   # far to the side
    k, d = blocker_in_path(rusher, blk, qb)
    assert k[0] == 1 and np.isclose(d[0], np.hypot(1.5, 0.3))


def test_a_rusher_with_nobody_in_his_path_is_free():
    k, d = blocker_in_path(np.array([[10.0, 20.0]]), np.array([[12.0, 20.0]]), np.array([0.0, 20.0]))
    assert k[0] == -1 and np.isinf(d[0])


def test_a_defender_moving_with_a_receiver_tracks_him_and_a_distant_one_plays_zone():
    t = np.arange(10)[:, None] * 0.1
    rec = np.stack([10 + 7 * t, np.full_like(t, 20.0)], -1)  # [T, 1, 2]
    rec_v = np.broadcast_to(np.array([7.0, 0.0]), rec.shape)
    d_near = rec + np.array([1.5, 1.0])
    d_far = np.stack([np.full_like(t, 30.0), np.full_like(t, 45.0)], -1)
    defs = np.concatenate([d_near, d_far], axis=1)
    dv = np.concatenate([rec_v, np.zeros_like(rec_v)], axis=1)
    assert tracked_receiver(defs, dv, rec, rec_v).tolist() == [0, -1]


def test_groups_of_a_play_cover_every_player_but_the_passer_once(tiny_play):
    qb = passer(tiny_play)
    cols = np.concatenate([blockers(tiny_play), coverage(tiny_play), eligible_receivers(tiny_play),
                           pass_rushers(tiny_play)])
    assert sorted(cols.tolist() + [qb]) == list(range(tiny_play.n_players))


def test_linemen_engage_the_rushers_of_the_synthetic_play(tiny_play):
    e = engagement(tiny_play)
    assert e["engaged"][tiny_play.frame_at(1.0)].all()  # the four linemen meet the four-man rush
    assert not e["engaged"][tiny_play.frame_at(0.0)].any()  # not yet at the snap
    assert (e["dist"][e["engaged"]] <= ENGAGE_YD).all()
    # once the rushers are past the line they have nobody in their path
    assert (e["blocker"][tiny_play.frame_at(1.5)] == -1).all()
