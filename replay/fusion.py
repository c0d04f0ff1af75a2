"""Fusing a pose stream's root with the RFID track.

The RFID x,y is the midpoint of two shoulder-pad tags (published at 10 Hz, ~10-15 cm noise), not the pelvis: it sits
up to ~0.2 m ahead of the pelvis in a run (measured on the shared motion-capture clips). Pose data gives the body's
shape at its own rate, hence the offset from the tag point to the pelvis at every pose frame. The fused pelvis is
the RTS (Kalman, constant-acceleration) estimate from the RFID samples shifted by that offset, plus the pose's own
root where it has one, each weighted by its noise.
"""

from __future__ import annotations

import numpy as np

from .gapfill import rts_smooth

TAG_SIGMA_M = 0.10
BIAS_Q = 0.02  # driving noise of the pose-vs-RFID difference (m^2/s^3): it drifts slowly
FUSION_Q = 20.0  # driving noise of the constant-acceleration model (m^2/s^5); lower smooths more


def fuse_root(times: np.ndarray, tag_t: np.ndarray, tag_xy: np.ndarray, tag_offset_xy: np.ndarray,
              pose_root_xy: np.ndarray | None = None, *, tag_sigma: float = TAG_SIGMA_M,
              q: float = FUSION_Q, bias_q: float = BIAS_Q) -> np.ndarray:
    """Pelvis xy [N, 2] at `times` [N] (the pose rate).

    tag_t [M], tag_xy [M, 2]: RFID samples (metres); tag_offset_xy [N, 2]: tag point minus pelvis from the pose
    at `times`; pose_root_xy [N, 2] or None: the pose's own pelvis (NaN where missing).

    Without a pose root the pelvis is the RTS estimate of the shifted tag samples. With one, the pose keeps the
    fast motion and the RFID fixes where it is: the slowly varying difference between the two is smoothed
    (a complementary filter) and removed from the pose root.
    """
    times = np.asarray(times, np.float64)
    tag_t = np.asarray(tag_t, np.float64)
    off = np.stack([np.interp(tag_t, times, tag_offset_xy[:, c]) for c in range(2)], -1)
    pelvis_obs = np.asarray(tag_xy, np.float64) - off
    if pose_root_xy is not None and np.isfinite(pose_root_xy).all(-1).sum() >= 2:
        ok = np.isfinite(pose_root_xy).all(-1)
        own = np.stack([np.interp(times, times[ok], pose_root_xy[ok, c]) for c in range(2)], -1)
        own_at_tags = np.stack([np.interp(tag_t, times, own[:, c]) for c in range(2)], -1)
        bias = _smooth_on(times, tag_t, own_at_tags - pelvis_obs, tag_sigma, bias_q, order=2)
        return own - bias
    return _smooth_on(times, tag_t, pelvis_obs, tag_sigma, q, order=3)


def _smooth_on(times: np.ndarray, obs_t: np.ndarray, obs: np.ndarray, sigma: float, q: float, *,
               order: int) -> np.ndarray:
    """RTS estimate at `times` from samples (obs_t, obs [M, 2]); samples within a microsecond of an output time
    share its grid point (the two clocks' float times)."""
    near = np.clip(np.searchsorted(times, obs_t), 1, max(len(times) - 1, 1))
    near = np.where(np.abs(times[near - 1] - obs_t) < np.abs(times[near] - obs_t), near - 1, near)
    obs_t = np.where(np.abs(times[near] - obs_t) < 1e-6, times[near], obs_t)
    grid = np.union1d(times, obs_t)
    z = np.full((len(grid), 2), np.nan)
    z[np.searchsorted(grid, obs_t)] = obs
    sm = rts_smooth(grid, z, sigma ** 2, q=q, order=order)
    return sm[np.searchsorted(grid, times)]
