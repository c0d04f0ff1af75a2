"""The rows the CP model is fitted and evaluated on, shared by training (`train.py`) and evaluation
(`evaluate.py`), which import this module and never each other:

- play level: the model's features for play-by-play pass attempts, the landing point imputed from the gamebook's
  depth and left/middle/right (`lateral_table`, built in training and stored in the params' provenance);
- tracking: one row per tracked pass play scored at the real release, with the model's terms (fitting the
  undercut weight in training, the tracking-play check in evaluation).
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd

from replay.events import ARRIVAL_EVENTS
from replay.play import Play

from .features import PlayThrowContext, released_throws
from .model import CPModel, undercut

RELEASE_DEPTH = 7.5  # yd behind the line of scrimmage (median on the shared highlight pass plays)
DEPTH_BINS = np.array([-100, 0, 5, 10, 15, 20, 30, 200], np.float64)  # yd of air, bins of the lateral table


def play_level_features(pbp: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """The model's features for play-by-play rows (imputed geometry, play context, hit as pressure)."""
    out = pd.DataFrame(index=pbp.index)
    ay = pbp.air_yards.to_numpy(np.float64)
    b = np.clip(np.searchsorted(DEPTH_BINS, ay, side="right") - 1, 0, len(DEPTH_BINS) - 2)
    cls = np.where(pbp.location == "middle", "middle", np.where(pbp.location.isin(["left", "right"]), "outside", ""))
    lut = {(int(np.searchsorted(DEPTH_BINS, r.depth_lo)), r.cls): r for r in table.itertuples()}
    side = np.full(len(pbp), np.nan)
    lat = np.full(len(pbp), np.nan)
    for i, (bi, c) in enumerate(zip(b, cls)):
        r = lut.get((int(bi), c))
        if r is not None and np.isfinite(ay[i]):
            side[i], lat[i] = r.sideline_distance, r.abs_lateral
    out["air_yards"] = ay
    out["sideline_distance"] = side
    out["air_distance"] = np.hypot(ay + RELEASE_DEPTH, lat)
    for k in ("down", "ydstogo", "yardline_100", "shotgun"):
        out[k] = pbp[k].to_numpy(np.float64)
    out["pressure_distance"] = np.where(pbp.qb_hit.to_numpy() == 1, 0.0, np.nan)  # hit: full effect
    return out


def _real_separation(play: Play, ctx: PlayThrowContext, target_col: int) -> float:
    """Target to nearest recorded defender when the ball arrived (pass_arrived, else the outcome event)."""
    ev = play.first_event(*ARRIVAL_EVENTS)
    if ev is None or len(ctx.defenders) == 0:
        return float("nan")
    i = ev[1]
    d = np.hypot(play.x[i, ctx.defenders] - play.x[i, target_col], play.y[i, ctx.defenders] - play.y[i, target_col])
    return float(np.nanmin(d)) if np.isfinite(d).any() else float("nan")


def tracking_rows(plays: Callable[[], Any], model: CPModel) -> pd.DataFrame:
    """One row per pass play with a release, a target among the eligible receivers and a C/I/IN result."""
    rows = []
    for play, ctx in released_throws(plays()):
        m = play.meta
        if m.pass_result not in ("C", "I", "IN") or m.target_nfl_id is None:
            continue
        hit = np.flatnonzero(ctx.nfl_ids == m.target_nfl_id)
        if len(hit) == 0:
            continue
        j = int(hit[0])
        feats = {k: v.reshape(-1) for k, v in ctx.features(np.array([ctx.release_t])).items()}
        cp = model.predict(feats)
        plain = dict(feats, separation=np.full_like(feats["separation"], np.nan),
                     pressure_distance=np.full_like(feats["pressure_distance"], np.nan),
                     lane_separation=np.full_like(feats["lane_separation"], np.nan))
        u = float(undercut(model.curves["separation"], feats["separation"][j:j + 1],
                           feats["lane_separation"][j:j + 1])[0]) if "separation" in model.curves else 0.0
        cp_plain = model.predict(plain)
        row = {"play": play.key, "game": m.game_id, "season": m.season, "result": m.pass_result,
               "complete": int(m.pass_result == "C"),
               "cp": float(cp[j]), "cp_play_level": float(cp_plain[j]),
               "logit_base": float(model.logit(feats)[j]) - model.undercut_weight * u, "undercut_u": u,
               "target_rank": int(1 + np.sum(cp > cp[j])), "n_receivers": len(cp),
               "target_is_max": bool(cp[j] >= cp.max()),
               "real_separation_at_arrival": _real_separation(play, ctx, int(ctx.receivers[j]))}
        row.update({k: float(feats[k][j]) for k in ("air_distance", "separation", "sideline_distance",
                                                     "pressure_distance", "qb_speed", "time_to_throw", "air_yards",
                                                     "lane_separation")})
        rows.append(row)
    return pd.DataFrame(rows)
