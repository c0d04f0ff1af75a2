"""The one passer (`replay.roles`): every consumer (camera, training, ball flight, CP features) uses it on every
shared play; trick plays are flagged and use the real thrower; role facts are computed once per Play."""

from __future__ import annotations

import gc

import numpy as np
import pytest
from conftest import make_play, synthetic_rows

from engine.cp.features import NotAPassPlay
from engine.cp.timeline import context_for
from engine.training.loop import rep_setup
from replay.assemble import PlayContext, build_play
from replay.ball_flight import plan_ball
from replay.events import RELEASE_EVENTS
from replay.play import PlayMeta
from replay.roles import dropback_end, eligible_receivers, pass_rushers, passer, release_time, roles, trick_play
from scenes.play_scene import build_play_scene
from scenes.pose_source import StandingPoses

# the highlight plays whose thrower got the ball by a lateral, an end-around or a handoff (their descriptions
# say so), and one where the ball track is lost but a running back is credited with the pass
TRICK_PLAYS = {"2018100701:1468", "2018101800:483", "2018110410:3640", "2018120207:2405", "2018122305:1246",
               "2018121700:610"}


def _consumers(play) -> dict[str, int | None]:
    """The passer as each consumer sees it."""
    out = {"camera": build_play_scene(play, StandingPoses(play)).qb}
    if release_time(play) is not None:
        out["ball_flight"] = plan_ball(play, play.t).thrower
    try:
        out["cp_features"] = context_for(play).qb
        out["training"] = rep_setup(play, joint_names=StandingPoses.joint_names)[0].qb
    except NotAPassPlay:  # kickoffs, punts: nothing to score or train
        pass
    return out


def test_every_consumer_uses_the_one_passer_on_every_shared_play(real_store):
    keys = sorted(real_store.index())
    assert len(keys) >= 197
    disagree = []
    for key in keys:
        play = real_store.load(key)
        qb = passer(play)
        seen = _consumers(play)
        if any(v != qb for v in seen.values()):
            disagree.append((key, qb, seen))
        if play.meta.play_type == "pass" and play.first_event(*RELEASE_EVENTS) is not None:
            assert qb is not None, key
            # the import labels the same player (one decision, made by replay.roles at import and at run time)
            assert play.roster.role[qb] == "passer", key
            assert plan_ball(play, play.t).t_release == release_time(play), key
    assert not disagree, disagree


def test_lateral_then_throw_is_a_trick_play_and_everyone_stands_at_the_thrower(real_store):
    """2018100701:1468: Manning pitches to Beckham, who throws 57 yd to Barkley; the camera and the trainee stood
    at Manning while the CP features were computed from Beckham."""
    play = real_store.load("2018100701:1468")
    qb = passer(play)
    assert play.roster.name[qb] == "Odell Beckham"
    assert trick_play(play)
    assert set(_consumers(play).values()) == {qb}
    assert qb not in eligible_receivers(play)


def test_trick_plays_are_the_ones_thrown_after_a_handoff_or_lateral(real_store):
    flagged = {k for k in real_store.index() if trick_play(real_store.load(k))}
    assert flagged == TRICK_PLAYS
    for k in flagged:
        play = real_store.load(k)
        assert play.roster.position[passer(play)] != "QB", k


def test_lateral_marked_as_the_pass_releases_when_the_thrower_lets_go(real_store):
    """2018110410:3640: the data's pass_forward (1.5 s) is Brady's backward pass to Edelman; Edelman throws at
    ~3.9 s. The release, the ball flight and the decision window follow the thrower."""
    play = real_store.load("2018110410:3640")
    qb = passer(play)
    assert play.roster.name[qb] == "Julian Edelman"
    ev = play.t[play.first_event(*RELEASE_EVENTS)[1]]
    assert ev == pytest.approx(1.5)
    assert 3.6 <= release_time(play) <= 4.1
    assert dropback_end(play) == release_time(play)
    plan = plan_ball(play, play.t)
    assert plan.thrower == qb and plan.t_release == release_time(play)
    i = play.frame_at(release_time(play) - 0.3)
    assert np.hypot(play.x[i, qb] - play.ball_x[i], play.y[i, qb] - play.ball_y[i]) < 1.0  # in his hands


# ---------------------------------------------------------------- synthetic plays, no shared data needed

def test_dropback_passer_release_and_roles(tiny_play):
    r = roles(tiny_play)
    assert tiny_play.roster.position[r.passer] == "QB"
    assert not r.trick
    assert r.release_t == pytest.approx(tiny_play.t[tiny_play.event_frame("pass_forward")])
    assert r.dropback_end == r.release_t
    assert sorted(tiny_play.roster.position[eligible_receivers(tiny_play)]) == ["RB", "TE", "WR", "WR", "WR"]
    assert set(tiny_play.roster.side[pass_rushers(tiny_play)]) == {"def"}


def _throwback():
    """The synthetic dropback, but a receiver (nfl_id 1007) has the ball from 0.2 to 1.2 s after the snap (a
    reverse) and gives it back to the QB, who throws."""
    df, info = synthetic_rows()
    ball = df.is_ball.to_numpy()
    wr = df[df.nfl_id == 1007].set_index("frame_id")
    for f in range(13, 23):
        m = ball & (df.frame_id == f).to_numpy()
        df.loc[m, "x"], df.loc[m, "y"] = wr.loc[f, "x"], wr.loc[f, "y"]
    meta = PlayMeta(game_id=2099010100, play_id=2, source_format="synthetic", play_type="pass", los_x=40.0,
                    description="reverse, throwback to the QB")
    return build_play(df, PlayContext(meta=meta, path="<synthetic>", direction=info["direction"],
                                      los_raw=info["los_raw"]))


def test_thrower_who_got_the_ball_back_from_a_receiver_is_a_trick_play():
    play = _throwback()
    assert play.roster.position[passer(play)] == "QB"
    assert trick_play(play)
    assert not trick_play(make_play())


def test_role_facts_are_computed_once_per_play_and_dropped_with_it(tiny_play):
    from replay import roles as roles_mod

    assert roles(tiny_play) is roles(tiny_play)
    with pytest.raises(ValueError):
        eligible_receivers(tiny_play)[0] = 0  # shared by every caller: read-only
    gc.collect()  # plays other tests left for the collector drop their entries now, not during the count
    play = make_play(seed=3)
    roles(play)
    n = len(roles_mod._CACHE)
    del play
    gc.collect()
    assert len(roles_mod._CACHE) == n - 1


@pytest.mark.shared_data
def test_a_lagging_ball_track_under_centre_does_not_make_early_throws_illegal(real_store):
    """Under centre the tracked ball sat 1.3-1.7 yd from the QB until 1.3 s on 2018092306:80, so a throw at 1.05 s was
    refused; the QB holds the ball after the exchange, and on every shared play by 0.8 s at the latest."""
    from replay.roles import EXCHANGE_S, LATEST_HOLD_S, ball_in_hand_time
    assert ball_in_hand_time(real_store.load("2018092306:80")) == EXCHANGE_S
    assert max(ball_in_hand_time(real_store.load(k)) for k in real_store.keys()) <= LATEST_HOLD_S
