"""Fusing a pose stream's root with the RFID track.

The RFID x,y is the midpoint of two shoulder-pad tags (published at 10 Hz, ~10-15 cm noise), not the pelvis:
it sits up to ~0.2 m ahead of the pelvis in a run (research-notes §3). Pose data gives the body's shape at its
own rate, hence the offset from the tag point to the pelvis at every pose frame. The fused pelvis is the RTS
(Kalman, constant-acceleration) estimate from the RFID samples shifted by that offset, plus the pose's own root
where it has one, each weighted by its noise.
"""

from __future__ import annotations

import numpy as np

from .gapfill import rts_smooth

TAG_SIGMA_M = 0.10
POSE_ROOT_SIGMA_M = 0.05
FUSION_Q = 20.0  # driving noise of the constant-acceleration model (m^2/s^5); lower smooths more


def fuse_root(times: np.ndarray, tag_t: np.ndarray, tag_xy: np.ndarray, tag_offset_xy: np.ndarray,
              pose_root_xy: np.ndarray | None = None, *, tag_sigma: float = TAG_SIGMA_M,
              pose_sigma: float = POSE_ROOT_SIGMA_M, q: float = FUSION_Q) -> np.ndarray:
    """Pelvis xy [N, 2] at `times` [N] (the pose rate).

    tag_t [M], tag_xy [M, 2]: RFID samples (metres); tag_offset_xy [N, 2]: tag point minus pelvis from the pose
    at `times`; pose_root_xy [N, 2] or None: the pose's own pelvis (NaN where missing).
    """
    times = np.asarray(times, np.float64)
    tag_t = np.asarray(tag_t, np.float64)
    grid = np.union1d(times, tag_t)
    G = len(grid)
    obs_tag = np.full((G, 2), np.nan)
    off = np.stack([np.interp(grid, times, tag_offset_xy[:, c]) for c in range(2)], -1)
    k = np.searchsorted(grid, tag_t)
    obs_tag[k] = tag_xy - off[k]
    series_obs = [obs_tag]
    series_var = [np.full((G, 2), tag_sigma ** 2)]
    if pose_root_xy is not None:
        obs_pose = np.full((G, 2), np.nan)
        obs_pose[np.searchsorted(grid, times)] = pose_root_xy
        series_obs.append(obs_pose)
        series_var.append(np.full((G, 2), pose_sigma ** 2))
    # combine measurements taken at the same instant into one (inverse-variance weighted)
    num = np.zeros((G, 2))
    den = np.zeros((G, 2))
    for o, v in zip(series_obs, series_var):
        ok = np.isfinite(o)
        num += np.where(ok, o / v, 0.0)
        den += np.where(ok, 1.0 / v, 0.0)
    obs = np.where(den > 0, num / np.maximum(den, 1e-300), np.nan)
    var = np.where(den > 0, 1.0 / np.maximum(den, 1e-300), np.inf)
    sm = rts_smooth(grid, obs, var, q=q, order=3)
    idx = np.searchsorted(grid, times)
    return sm[idx]
