"""Quirks handled in the shared assembly step, on tiny synthetic plays."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_play, synthetic_rows

from replay.assemble import PlayContext, build_play
from replay.errors import PlayError
from replay.events import clean_events
from replay.play import PlayMeta
from replay.roles import passer
from replay.teams import canonical_team
from replay.units import game_clock, height_m, weight_kg


def _build(df, info, **meta_kw):
    meta = PlayMeta(game_id=1, play_id=1, source_format="test", offense_team="HOM", defense_team="AWY",
                    play_type="pass", distance=10, **meta_kw)
    return build_play(df, PlayContext(meta=meta, path="<test>", direction=info.get("direction"),
                                      los_raw=info.get("los_raw")))


def test_short_gap_interpolated_long_gap_left_empty():
    df, info = synthetic_rows()
    wr = df.nfl_id == 1006
    df = df[~(wr & df.frame_id.isin([20, 21, 22]))]  # 3 frames: filled
    df = df[~((df.nfl_id == 1009) & df.frame_id.between(30, 35))]  # 6 frames: left NaN
    play = _build(df, info)
    ref = make_play()
    w, t = play.roster.index_of(1006), play.roster.index_of(1009)
    assert not np.isnan(play.x[:, w]).any()
    np.testing.assert_allclose(play.x[18:23, w], ref.x[18:23, w], atol=0.05)
    assert np.isnan(play.x[29:35, t]).all() and not np.isnan(play.x[28, t])
    assert "interpolated" in play.flags and "3 player-frames" in play.flags["interpolated"]
    assert "long_gaps" in play.flags


def test_missing_snap_inferred_from_ball_and_flagged():
    df, info = synthetic_rows(snap_frame=11)
    df.loc[df.event == "ball_snap", "event"] = ""
    play = _build(df, info)
    assert "inferred_snap" in play.flags and "ball" in play.flags["inferred_snap"]
    assert abs(play.frame_id[play.event_frame("ball_snap")] - 11) <= 1
    assert play.t[play.event_frame("ball_snap")] == 0.0


def test_direction_inferred_when_absent():
    df, info = synthetic_rows(direction="left")
    info = {"los_raw": info["los_raw"]}
    play = _build(df, info)
    assert play.meta.play_direction == "left" and play.meta.direction_inferred
    np.testing.assert_allclose(play.x, make_play().x, atol=1e-4)


def test_events_none_na_auto_and_duplicates():
    fi = np.array([0, 0, 0, 1, 1, 2, 5, 5, 7, 9])
    names = np.array(["None", "NA", None, "autoevent_ballsnap", "ball_snap", "ball_snap", "autoevent_passforward",
                      "autoevent_passforward", "", "pass_arrived"], dtype=object)
    events, notes = clean_events(fi, names)
    assert events == [(1, "ball_snap"), (5, "pass_forward"), (9, "pass_arrived")]
    assert notes == ["pass_forward from autoevent_passforward"]


def test_manual_event_preferred_even_when_far_from_auto():
    # BDB 2023 2021090900/3406: auto snap at frame 6, real snap at 146
    events, _ = clean_events(np.array([5, 145]), np.array(["autoevent_ballsnap", "ball_snap"], dtype=object))
    assert events == [(145, "ball_snap")]


def test_player_count_and_no_offense():
    df, info = synthetic_rows()
    play = _build(df[~df.nfl_id.isin([1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009])], info)
    assert "player_count" in play.flags
    with pytest.raises(PlayError, match="offense"):
        _build(df[df.side != "off"], info)


def test_team_aliases_heights_weights_clock():
    assert [canonical_team(c) for c in ("ARZ", "BLT", "CLV", "HST", "OAK", "SD", "LAR", " kc ", None)] == \
        ["ARI", "BAL", "CLE", "HOU", "LV", "LAC", "LA", "KC", ""]
    for text in ("6-2", "6'2\"", "6'02\"", "74", 74, "2-Jun", "Jun-2"):
        assert height_m(text) == pytest.approx(74 * 0.0254), text
    assert np.isnan(height_m("")) and np.isnan(height_m("tall"))
    assert weight_kg("220") == pytest.approx(99.79, abs=0.01) and np.isnan(weight_kg("NA"))
    assert game_clock("14:54:00") == "14:54" and game_clock("8:59") == "08:59"


def test_acceleration_derived_when_absent(tiny_play):
    assert "derived" in tiny_play.flags
    qb = passer(tiny_play)
    snap = tiny_play.event_frame("ball_snap")
    # the QB accelerates from 0 to 4 yd/s at the snap: a large acceleration right after it
    assert tiny_play.a[snap + 1, qb] > 10 and tiny_play.a[snap + 8, qb] < 1


def test_roles_inferred_on_dropbacks(tiny_play):
    r = tiny_play.roster
    assert r.role[r.position == "QB"].tolist() == ["passer"]
    assert set(r.role[r.position == "WR"]) == {"route_runner"}
    assert set(r.role[np.isin(r.position.astype(str), ["DE", "DT"])]) == {"pass_rusher"}
    assert set(r.role[np.isin(r.position.astype(str), ["CB", "FS", "SS"])]) == {"coverage"}
    assert set(r.role_source) == {"inferred"}


def test_self_check_flags_linemen_facing_away():
    df, info = synthetic_rows()
    df.loc[df.position.isin(["C", "G", "T"]), "o"] = 270.0
    assert "orientation_suspect" in _build(df, info).flags
    assert "orientation_suspect" not in make_play().flags
