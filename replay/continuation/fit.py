"""Fitting the continuation model on real pass plays: ridge corrections per group over the pre-release windows,
human speed and acceleration limits, the rushers' shed-time distribution and closing speed.

Used by `tools/fit_continuation.py` (writes the shipped parameters) and by `qbvr eval continuation` (refits on
the other games of each cross-validation fold, so every figure it prints is on held-out plays)."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

import numpy as np
from scipy import optimize, stats

from ..matchups import ENGAGE_YD, blocker_in_path
from ..play import Play
from .dataset import DT, PlayTracks, anchor_features, play_tracks, residuals
from .features import BLOCKER, GROUPS, RUSHER, mirrored
from .params import ContinuationParams, GroupModel

HORIZON_STEPS = 30  # 3 s of learned plan
ANCHOR_STRIDE = 2  # frames between training anchors
RIDGE = 10.0  # on standardised features; chosen by game-wise cross-validation (ADE flat from 1 to 30)
V_PCT, A_PCT = 99.5, 99.0  # percentiles of the measured speed and acceleration used as limits


def collect(plays: Iterable[Play]) -> list[PlayTracks]:
    """The recorded arrays of every pass play with a passer and a release."""
    return [pt for pt in (play_tracks(p) for p in plays) if pt is not None]


def snap_index(pt: PlayTracks) -> int:
    return int(np.searchsorted(pt.t, -1e-6))


def group_samples(pts: list[PlayTracks], K: int = HORIZON_STEPS) -> dict[int, tuple[np.ndarray, ...]]:
    """Per group: game id `[N]`, features `[N, F]`, residual displacements `[N, K, 2]` and usable steps `[N, K]`
    from anchors between the snap and the release (targets never reach past the release), each play also seen
    mirrored across the field."""
    acc: dict[int, list] = {g: [] for g in range(len(GROUPS))}
    for pt in pts:
        for mirror in (False, True):
            pos, vel = mirrored(pt.pos, pt.vel) if mirror else (pt.pos, pt.vel)
            for i in range(snap_index(pt) + 3, pt.release_i, ANCHOR_STRIDE):
                X, _ = anchor_features(pt, i, pos, vel)
                R, ok = residuals(pt, i, K, pt.release_i, pos, vel)
                for g in acc:
                    c = pt.layout.of(g)
                    acc[g].append((np.full(len(c), pt.game_id), X[c], R[c], ok[c]))
    return {g: tuple(np.concatenate([a[j] for a in rows]) for j in range(4)) for g, rows in acc.items() if rows}


def ridge(X: np.ndarray, R: np.ndarray, ok: np.ndarray, lam: float = RIDGE) -> tuple[np.ndarray, ...]:
    """Standardisation and weights `[F, K, 2]`, one ridge regression per step over the samples usable there."""
    mean, scale = X.mean(0), X.std(0) + 1e-6
    mean[-1], scale[-1] = 0.0, 1.0  # the bias column stays 1
    Z = (X - mean) / scale
    K = R.shape[1]
    W = np.zeros((X.shape[1], K, 2))
    eye = lam * np.eye(X.shape[1])
    for k in range(K):
        m = ok[:, k]
        if m.sum() > X.shape[1]:
            A = Z[m]
            W[:, k] = np.linalg.solve(A.T @ A + eye, A.T @ R[m, k])
    return mean, scale, W


def limits(pts: list[PlayTracks]) -> dict[int, tuple[float, float]]:
    """Per group the top speed and acceleration seen on the real plays after the snap (high percentiles, so a
    tracking glitch does not set the limit)."""
    out = {}
    for g in range(len(GROUPS)):
        sp, ac = [], []
        for pt in pts:
            c = pt.layout.of(g)
            s0 = snap_index(pt)
            v = pt.vel[s0:, c]
            sp.append(np.linalg.norm(v, axis=-1).ravel())
            ac.append((np.linalg.norm(v[2:] - v[:-2], axis=-1) / (2 * DT)).ravel())
        sp, ac = np.concatenate(sp), np.concatenate(ac)
        out[g] = (float(np.nanpercentile(sp, V_PCT)), float(np.nanpercentile(ac, A_PCT)))
    return out


def shed_spells(pt: PlayTracks) -> tuple[list[float], list[bool], list[float]]:
    """Engagement spells of the play's rushers up to the release (duration, shed or censored) and the closing
    speeds of free rushers within 8 yd of the QB."""
    rush, blk, q = pt.layout.of(RUSHER), pt.layout.of(BLOCKER), pt.layout.qb
    s0, r = snap_index(pt), pt.release_i
    eng = np.zeros((r - s0, len(rush)), bool)
    closing = []
    for n, f in enumerate(range(s0, r)):
        _, d = blocker_in_path(pt.pos[f, rush], pt.pos[f, blk], pt.pos[f, q])
        eng[n] = d <= ENGAGE_YD
        to = pt.pos[f, q] - pt.pos[f, rush]
        dist = np.linalg.norm(to, axis=1)
        c = np.sum((pt.vel[f, rush] - pt.vel[f, q]) * to, axis=1) / np.maximum(dist, 1e-6)
        closing.extend(c[(~eng[n]) & (dist < 8.0) & (dist > 1.0)].tolist())
    dur, shed = [], []
    for k in range(len(rush)):
        e = np.concatenate([[0], eng[:, k].astype(np.int8), [0]])
        edges = np.diff(e)
        for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
            if b - a >= 2:
                dur.append((b - a) * DT)
                shed.append(bool(b < len(eng)))
    return dur, shed, closing


def fit_shed(pts: list[PlayTracks]) -> dict[str, float]:
    """Log-normal shed time by maximum likelihood with right-censoring (spells still going at the release), and
    the free rushers' closing speed (75th percentile: a rusher with a lane closes near his top pace)."""
    dur, shed, closing = [], [], []
    for pt in pts:
        d, s, c = shed_spells(pt)
        dur += d
        shed += s
        closing += c
    dur, shed = np.asarray(dur), np.asarray(shed, bool)

    def nll(th: np.ndarray) -> float:
        mu, sg = th[0], np.exp(th[1])
        z = (np.log(dur) - mu) / sg
        return -(stats.norm.logpdf(z[shed]) - np.log(sg * dur[shed])).sum() - stats.norm.logsf(z[~shed]).sum()

    res = optimize.minimize(nll, np.array([np.log(np.median(dur)), 0.0]), method="Nelder-Mead")
    return {"shed_log_mu": float(res.x[0]), "shed_log_sigma": float(np.exp(res.x[1])), "spells": int(len(dur)),
            "censored": int((~shed).sum()), "pursuit_speed": float(np.percentile(closing, 75))}


def fit_params(pts: list[PlayTracks], base: ContinuationParams | None = None,
               samples: dict[int, tuple[np.ndarray, ...]] | None = None) -> ContinuationParams:
    """Every fitted part of the model from `pts`; the other scalars (replan interval, post-throw behaviour) are
    kept from `base`."""
    samples = group_samples(pts) if samples is None else samples
    lim = limits(pts)
    groups = {}
    for g, name in enumerate(GROUPS):
        _, X, R, ok = samples[g]
        mean, scale, W = ridge(X, R, ok)
        groups[name] = GroupModel(mean, scale, W, *lim[g])
    shed = fit_shed(pts)
    p = base if base is not None else ContinuationParams(groups=groups)
    return replace(p, groups=groups, shed_log_mu=shed["shed_log_mu"], shed_log_sigma=shed["shed_log_sigma"],
                   pursuit_speed=shed["pursuit_speed"])


def subset(samples: dict[int, tuple[np.ndarray, ...]], games: np.ndarray) -> dict[int, tuple[np.ndarray, ...]]:
    """The samples of the given games only (a cross-validation fold's training part)."""
    out = {}
    for g, (gid, X, R, ok) in samples.items():
        m = np.isin(gid, games)
        out[g] = (gid[m], X[m], R[m], ok[m])
    return out
