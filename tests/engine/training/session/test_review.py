"""A session rep made reviewable: SESSION[:REP] told apart from a play key, the reviewed play rebuilt from the
stream's model tracks, the CP grid and the HUD lines, and bad references as one line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.training.session.records import ModelTracks, RepOutcome
from engine.training.session.review import load_rep_review, session_ref
from engine.training.session.stream import read_stream
from replay.errors import QbvrError
from replay.field_frame import YARD


def test_a_play_key_is_not_a_session_and_a_folder_is(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert session_ref("2018092311:141") is None
    assert session_ref("2018092311_141") is None
    (tmp_path / "s").mkdir()
    assert session_ref("s") == (Path("s"), 1)
    assert session_ref("s:3")[1] == 3
    for bad in ("nope", "nope:2", "s:x", "s:0", "2018092311:14x"):
        with pytest.raises(QbvrError) as e:
            session_ref(bad)
        assert "\n" not in str(e.value)


@pytest.mark.render
@pytest.mark.shared_data
def test_the_reviewed_play_is_the_recording_then_the_recorded_model_tracks(real_session, real_store):
    rep = load_rep_review(real_session, 1, real_store)
    got = read_stream(real_session)
    tracks = got.of_type(ModelTracks, 1)[0]
    out = got.of_type(RepOutcome, 1)[0]
    t0 = tracks.times[0]
    assert t0 == pytest.approx(2.4, abs=1e-4)
    k = np.searchsorted(rep.play.t, np.asarray(tracks.times) - 1e-6)
    x = np.reshape(tracks.x, (len(tracks.times), -1))
    assert np.allclose(rep.play.x[k], x, atol=1e-3)
    before = rep.real.t[(rep.real.t > -1) & (rep.real.t < t0 - 1e-6)]
    j = np.searchsorted(rep.play.t, before)
    assert np.array_equal(rep.play.x[j], rep.real.x[np.searchsorted(rep.real.t, before)])
    # the trainee's ball goes to the recorded catch point; his throw and the arrival are the play's events
    assert rep.play.event_time("pass_forward") == pytest.approx(2.4, abs=0.06)
    bx = np.interp(out.t_arrive, rep.play.ball_t, rep.play.ball_x)
    assert bx == pytest.approx(out.catch[0], abs=0.2)
    assert rep.play.meta.target_nfl_id == rep.throw.nfl_id != rep.real.meta.target_nfl_id
    assert rep.t_range[1] == pytest.approx(out.t_arrive + 0.6)


@pytest.mark.render
@pytest.mark.shared_data
def test_cp_hud_lines_and_the_ghost_ball(real_session, real_store):
    rep = load_rep_review(real_session, 1, real_store)
    cp = rep.cp_at(1.0)
    assert len(cp) == len(rep.start.receivers) and all(0 <= v <= 1 for v in cp.values())
    assert rep.cp_at(-1.0) == {} and rep.cp_at(3.0) == rep.cp_at(2.4)  # frozen at the decision
    assert rep.cp_at(2.4)[rep.throw.nfl_id] == pytest.approx(rep.score["cp_chosen"], abs=1e-3)
    assert "trainee: threw at 2.40 s" in rep.texts["decision"] and "real QB: threw at 3.20 s" in rep.texts["decision"]
    assert rep.texts["outcome"].split(" to ")[0] in ("COMPLETE", "INCOMPLETE", "INTERCEPTED", "BROKEN UP")
    g = rep.ghost_at(3.5)
    assert g is not None and g[2] > 1.0 and rep.ghost_at(2.0) is None  # the real ball flies after 3.2 s
    assert np.linalg.norm(rep.ghost[0, :2] / YARD - [rep.real.x[rep.real.frame_at(3.2), rep.real.roster.index_of(
        rep.start.qb_nfl_id)], rep.real.y[rep.real.frame_at(3.2), rep.real.roster.index_of(rep.start.qb_nfl_id)]]) < 2


@pytest.mark.render
@pytest.mark.shared_data
def test_a_rep_out_of_range_or_a_folder_that_is_no_session_is_one_line(real_session, real_store, tmp_path):
    with pytest.raises(QbvrError, match="rep 2 is not in this session"):
        load_rep_review(real_session, 2, real_store)
    with pytest.raises(QbvrError, match="not a qbvr session folder"):
        load_rep_review(tmp_path, 1, real_store)
