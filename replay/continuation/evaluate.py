"""Validation of the continuation model against the real plays (`qbvr eval continuation`).

- Displacement error: on every pass play the model starts at (real release - horizon), when the real QB still
  holds the ball, with the QB on his recorded path; its tracks are compared with the real ones over the horizon
  (average and final displacement error, yards, per role) next to constant velocity from the same instant.
- Sack rate by hold: started at the real release on plays without a real sack, the QB stands with the ball
  (he settles from his recorded velocity) for 0 ... 2.5 s; a sack is a rusher within arm's reach before then.
- Ball in the air (the Big Data Bowl 2026 task): from the real release with the real target and landing spot,
  the target's and the coverage defenders' positions until the arrival; RMSE (yd) next to constant velocity.
By default the learned parts are refitted for each of `folds` game-wise folds on the other games, so every
figure is on plays the model did not see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from ..events import ARRIVAL_EVENTS
from ..play import Play
from ..timebase import sample_ball_track
from .dataset import DT, PlayTracks, play_tracks
from .features import COVERAGE, RECEIVER, RUSHER
from .fit import fit_params, group_samples, subset
from .model import Continuation
from .params import ContinuationParams

ROLES = {"rushers": RUSHER, "receivers": RECEIVER, "coverage": COVERAGE}
HOLDS = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5)
MIN_T0 = 0.0  # s after the snap: earlier anchors would start the model before the QB has the ball


@dataclass
class Errors:
    """Per role: lists of per-player average and final errors for the model and constant velocity."""

    ade: dict[str, dict[str, list]] = field(default_factory=lambda: {r: {"model": [], "cv": []} for r in ROLES})
    fde: dict[str, dict[str, list]] = field(default_factory=lambda: {r: {"model": [], "cv": []} for r in ROLES})
    plays: int = 0


def rollout_errors(play: Play, pt: PlayTracks, params: ContinuationParams, horizon: float, err: Errors,
                   seed: int = 0) -> None:
    """Add the play's errors over `horizon` s before the real release to `err` (skipped when it would start
    before the snap)."""
    K = int(round(horizon / DT))
    i0 = pt.release_i - K
    if K < 1 or i0 < 0 or pt.t[i0] < MIN_T0:
        return
    c = Continuation(play, float(pt.t[i0]), params, seed)
    q = pt.layout.qb
    pred = np.zeros((K, play.n_players, 2))
    for k in range(K):
        c.set_qb(pt.pos[i0 + k, q], pt.vel[i0 + k, q])
        c.advance_to(pt.t[i0] + (k + 1) * DT)
        pred[k] = c.sample(pt.t[i0] + (k + 1) * DT)[0]
    real = pt.pos[i0 + 1:i0 + K + 1]
    cv = pt.pos[i0][None] + pt.vel[i0][None] * (DT * np.arange(1, K + 1))[:, None, None]
    em, ec = np.linalg.norm(pred - real, axis=-1), np.linalg.norm(cv - real, axis=-1)
    for role, g in ROLES.items():
        cols = pt.layout.of(g)
        ok = np.isfinite(em[:, cols]).all(0) & np.isfinite(ec[:, cols]).all(0)
        cols = cols[ok]
        err.ade[role]["model"] += em[:, cols].mean(0).tolist()
        err.ade[role]["cv"] += ec[:, cols].mean(0).tolist()
        err.fde[role]["model"] += em[-1, cols].tolist()
        err.fde[role]["cv"] += ec[-1, cols].tolist()
    err.plays += 1


def sacked_by_hold(play: Play, pt: PlayTracks, params: ContinuationParams, seed: int = 0) -> list[bool]:
    """Whether the QB standing with the ball from the real release is sacked within each of HOLDS."""
    t_rel = float(pt.t[pt.release_i])
    c = Continuation(play, t_rel, params, seed)
    c.advance_to(t_rel + max(HOLDS))
    return [c.sack_t is not None and c.sack_t <= t_rel + h + 1e-9 for h in HOLDS]


def ball_in_air(play: Play, pt: PlayTracks, params: ContinuationParams, seed: int = 0) -> tuple[list, list] | None:
    """Squared errors (model, constant velocity) of the target and coverage defenders from the real release to
    the arrival, the model told the real target and landing spot; None without a target or an arrival."""
    tgt = play.meta.target_nfl_id
    t_rel = float(pt.t[pt.release_i])
    arr = [float(play.t[i]) for i, e in play.events if e in ARRIVAL_EVENTS and play.t[i] > t_rel]
    if tgt is None or not arr or int(tgt) not in play.roster.nfl_id.tolist():
        return None
    t_arr = min(arr)
    col = play.roster.index_of(int(tgt))
    bx, by = sample_ball_track(play, np.array([t_arr]))
    if not (np.isfinite(bx[0]) and np.isfinite(by[0])):
        return None
    c = Continuation(play, t_rel, params, seed)
    c.throw(col, np.array([bx[0], by[0]]), t_arr)
    K = int(round((t_arr - t_rel) / DT))
    if K < 1:
        return None
    cols = np.concatenate([[col], pt.layout.of(COVERAGE)])
    i0 = pt.release_i
    c.advance_to(t_rel + K * DT)
    times = t_rel + DT * np.arange(1, K + 1)
    pred = c.sample(times)[0][:, cols]
    real = pt.pos[i0 + 1:i0 + K + 1, cols]
    cv = pt.pos[i0, cols][None] + pt.vel[i0, cols][None] * (DT * np.arange(1, K + 1))[:, None, None]
    n = min(len(real), K)
    sm = np.sum((pred[:n] - real[:n]) ** 2, -1).ravel()
    sc = np.sum((cv[:n] - real[:n]) ** 2, -1).ravel()
    ok = np.isfinite(sm) & np.isfinite(sc)
    return sm[ok].tolist(), sc[ok].tolist()


def _folds(pts: list[PlayTracks], folds: int) -> list[np.ndarray]:
    games = np.unique([pt.game_id for pt in pts])
    rng = np.random.default_rng(0)
    rng.shuffle(games)
    return np.array_split(games, folds)


def evaluate(plays: Iterable[Play], horizon: float = 1.0, params: ContinuationParams | None = None,
             folds: int = 5, base: ContinuationParams | None = None) -> tuple[dict, dict]:
    """The validation figures (the JSON `qbvr eval continuation --json` prints) and counts behind them. With
    `params` the model is used as given; without, it is refitted per game-wise fold (keeping `base`'s other
    settings)."""
    plays = [p for p in plays if p.meta.play_type == "pass"]
    pairs = [(p, pt) for p in plays if (pt := play_tracks(p)) is not None]
    pts = [pt for _, pt in pairs]
    if params is not None:
        assign = [(params, pairs)]
    else:
        samples = group_samples(pts)
        assign = []
        for fold in _folds(pts, folds):
            train = [pt for pt in pts if pt.game_id not in fold]
            fp = fit_params(train, base, subset(samples, np.asarray([pt.game_id for pt in train])))
            assign.append((fp, [(p, pt) for p, pt in pairs if pt.game_id in fold]))
    err, sacks, air_m, air_c = Errors(), [], [], []
    for fp, group in assign:
        for n, (p, pt) in enumerate(group):
            rollout_errors(p, pt, fp, horizon, err, seed=n)
            if not pt.sacked:
                sacks.append(sacked_by_hold(p, pt, fp, seed=n))
            b = ball_in_air(p, pt, fp, seed=n)
            if b is not None:
                air_m += b[0]
                air_c += b[1]
    return _report(horizon, err, sacks, air_m, air_c)


def _report(horizon: float, err: Errors, sacks: list, air_m: list, air_c: list) -> tuple[dict, dict]:
    def mean(v: list) -> float | None:
        return round(float(np.mean(v)), 3) if v else None

    def shape(d: dict) -> dict:
        return {r: {"model": mean(v["model"]), "constant_velocity": mean(v["cv"])} for r, v in d.items()}

    rate = np.mean(sacks, axis=0) if sacks else [None] * len(HOLDS)
    return {"horizon_s": horizon, "plays": err.plays, "ade": shape(err.ade), "fde": shape(err.fde),
            "sack_rate_by_hold": {f"{h:.1f}": (None if r is None else round(float(r), 3))
                                  for h, r in zip(HOLDS, rate, strict=True)},
            "ball_in_air_rmse": {"model": None if not air_m else round(float(np.sqrt(np.mean(air_m))), 3),
                                 "constant_velocity": None if not air_c else round(float(np.sqrt(np.mean(air_c))), 3)},
            }, {"sack_plays": len(sacks), "ball_in_air_positions": len(air_m)}
