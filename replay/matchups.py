"""Who is matched with whom, from the tracks: each pass rusher with the blocker in his path, each coverage
defender with the receiver he is tracking.

- Rusher/blocker (as in the NGS rusher-blocker matching work): at each instant a rusher's blocker is the nearest
  offensive blocker standing in his path to the quarterback (closer to the QB than the rusher is, and not more
  than PATH_SIDE_YD to the side of the rusher-QB line); the rusher is *engaged* while that blocker is within
  ENGAGE_YD. An engagement ends when the rusher sheds the block: the blocker leaves his path or falls more than
  ENGAGE_YD away.
- Coverage: the receiver a defender was closest to and moving with over the last second (mean distance within
  TRACK_YD and a velocity difference within TRACK_DV yd/s); none means he plays zone.

Everything is vectorised over players; the functions take plain arrays so the continuation model can call them
on its own tracks.
"""

from __future__ import annotations

import numpy as np

from .play import Play
from .roles import eligible_receivers, pass_rushers, passer

ENGAGE_YD = 1.5  # yd: a blocker this close to the rusher, in his path, holds him
PATH_SIDE_YD = 1.5  # yd: how far off the rusher-QB line a blocker may stand and still be in the path
TRACK_YD = 4.0  # yd: mean distance over the last second for a defender to be tracking a receiver
TRACK_DV = 2.5  # yd/s: mean velocity difference over the last second for the same


def blockers(play: Play) -> np.ndarray:
    """Columns of the offensive players who block: the offense minus the passer and the eligible receivers
    (backs and tight ends who stay in are still eligible: the model moves them as receivers)."""
    off = play.players_where(side="off")
    qb = passer(play)
    keep = ~np.isin(off, eligible_receivers(play)) & (off != (-1 if qb is None else qb))
    return off[keep]


def coverage(play: Play) -> np.ndarray:
    """Columns of the defenders who do not rush the passer."""
    d = play.players_where(side="def")
    return d[~np.isin(d, pass_rushers(play))]


def blocker_in_path(rusher_xy: np.ndarray, blocker_xy: np.ndarray, qb_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rushers `[R, 2]`, blockers `[B, 2]` and the QB `[2]`: the index into the blockers of each rusher's
    blocker in his path (-1: none) and its distance (inf when none)."""
    R, B = len(rusher_xy), len(blocker_xy)
    if R == 0 or B == 0:
        return np.full(R, -1), np.full(R, np.inf)
    to_qb = qb_xy[None, :] - rusher_xy  # [R, 2]
    L = np.maximum(np.hypot(to_qb[:, 0], to_qb[:, 1]), 1e-6)
    u = to_qb / L[:, None]
    rel = blocker_xy[None, :, :] - rusher_xy[:, None, :]  # [R, B, 2]
    along = rel[..., 0] * u[:, None, 0] + rel[..., 1] * u[:, None, 1]
    side = np.abs(rel[..., 0] * u[:, None, 1] - rel[..., 1] * u[:, None, 0])
    dist = np.hypot(rel[..., 0], rel[..., 1])
    ok = (along > -0.5) & (along < L[:, None]) & (side < PATH_SIDE_YD + 0.5 * np.maximum(along, 0.0))
    ok &= np.isfinite(dist)
    d = np.where(ok, dist, np.inf)
    k = np.argmin(d, axis=1)
    best = d[np.arange(R), k]
    return np.where(np.isfinite(best), k, -1), best


def engagement(play: Play, times_i: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Per frame and rusher: the matched blocker's column (-1 none), the distance and whether engaged.
    Returns `rushers [R]`, `blocker [F, R]`, `dist [F, R]`, `engaged [F, R]`."""
    rush, blk, qb = pass_rushers(play), blockers(play), passer(play)
    F = play.n_frames if times_i is None else len(times_i)
    frames = np.arange(play.n_frames) if times_i is None else np.asarray(times_i)
    out_b = np.full((F, len(rush)), -1, np.int64)
    out_d = np.full((F, len(rush)), np.inf)
    if qb is None or len(rush) == 0:
        return {"rushers": rush, "blocker": out_b, "dist": out_d, "engaged": np.zeros((F, len(rush)), bool)}
    for n, f in enumerate(frames):
        rxy = np.stack([play.x[f, rush], play.y[f, rush]], -1).astype(np.float64)
        bxy = np.stack([play.x[f, blk], play.y[f, blk]], -1).astype(np.float64)
        qxy = np.array([play.x[f, qb], play.y[f, qb]], np.float64)
        k, d = blocker_in_path(rxy, bxy, qxy)
        out_b[n] = np.where(k >= 0, blk[np.maximum(k, 0)], -1)
        out_d[n] = d
    return {"rushers": rush, "blocker": out_b, "dist": out_d, "engaged": out_d <= ENGAGE_YD}


def engagement_spells(engaged: np.ndarray, t: np.ndarray, end_t: float) -> tuple[np.ndarray, np.ndarray]:
    """Durations (s) of every engagement spell in `engaged [F, R]` that starts after the snap, and whether each
    ended by a shed (True) or was still going at `end_t` (censored, False). Spells shorter than 0.2 s are a
    rusher brushing past, not a block."""
    dur, shed = [], []
    for r in range(engaged.shape[1]):
        e = engaged[:, r] & (t >= 0) & (t <= end_t)
        edges = np.diff(np.concatenate([[0], e.astype(np.int8), [0]]))
        starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        for a, b in zip(starts, stops, strict=True):
            d = float(t[b - 1] - t[a]) + 0.1
            if d < 0.2:
                continue
            dur.append(d)
            shed.append(bool(b < len(t) and t[b - 1] < end_t - 0.05))
    return np.asarray(dur), np.asarray(shed, bool)


def tracked_receiver(def_xy: np.ndarray, def_v: np.ndarray, rec_xy: np.ndarray, rec_v: np.ndarray) -> np.ndarray:
    """For defenders and receivers over the last second (`[T, D, 2]`, `[T, R, 2]` positions and velocities): the
    index of the receiver each defender is tracking, -1 when none (he plays zone)."""
    D, R = def_xy.shape[1], rec_xy.shape[1]
    if D == 0 or R == 0:
        return np.full(D, -1)
    dist = np.linalg.norm(def_xy[:, :, None, :] - rec_xy[:, None, :, :], axis=-1).mean(axis=0)  # [D, R]
    dv = np.linalg.norm(def_v[:, :, None, :] - rec_v[:, None, :, :], axis=-1).mean(axis=0)
    dist = np.where(np.isfinite(dist), dist, np.inf)
    k = np.argmin(dist, axis=1)
    ok = (dist[np.arange(D), k] <= TRACK_YD) & (dv[np.arange(D), k] <= TRACK_DV)
    return np.where(ok, k, -1)
