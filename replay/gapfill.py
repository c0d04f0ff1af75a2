"""Filling occluded joints (NaN) of a pose sequence, following the policy measured on the shared real
motion-capture clips: short gaps by a cubic spline, medium gaps by an RTS (Kalman) smoother, long gaps by a
Gaussian pose prior conditioned on the joints that are visible, and a bone-length correction after any fill.

Also holds the RTS smoother the RFID fusion uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.interpolate import CubicSpline

from .timebase import true_runs

# measured on the DeepMimic run/walk clips (tools/bench_motion.py): the spline is best for the shortest gaps, the
# RTS smoother up to ~0.3 s, the pose prior beyond on the run (policy from those measurements)
SHORT_GAP_S = 0.1  # <= : cubic spline
MEDIUM_GAP_S = 0.3  # <= : RTS smoother; longer: Gaussian pose prior (RTS when there is no prior)


def rts_smooth(t: np.ndarray, obs: np.ndarray, obs_var: np.ndarray | float, *, q: float,
               order: int = 2) -> np.ndarray:
    """Rauch-Tung-Striebel smoother of independent series with a white-noise-derivative model.

    t [N] sample times; obs [N, S] (NaN = missing); obs_var measurement variance (scalar or [N, S]);
    q spectral density of the driving noise; order 2 = constant velocity, 3 = constant acceleration.
    Returns the smoothed positions [N, S]. Vectorised over the S series.
    """
    obs = np.asarray(obs, np.float64)
    N, S = obs.shape
    R = np.broadcast_to(np.asarray(obs_var, np.float64), (N, S))
    n = order
    x = np.zeros((N, S, n))
    Pm = np.zeros((N, S, n, n))
    xp = np.zeros((N, S, n))
    Pp = np.zeros((N, S, n, n))
    first = np.where(np.isfinite(obs).any(0), np.nanargmax(np.isfinite(obs), axis=0), 0)
    x0 = np.zeros((S, n))
    x0[:, 0] = np.where(np.isfinite(obs[first, np.arange(S)]), obs[first, np.arange(S)], 0.0)
    P0 = np.tile(np.diag([1e2] + [1e2] * (n - 1)), (S, 1, 1))
    Fs = []
    xc, Pc = x0, P0
    for k in range(N):
        if k > 0:
            dt = t[k] - t[k - 1]
            F, Q = _model(dt, q, n)
            xc = xc @ F.T
            Pc = F @ Pc @ F.T + Q
            Fs.append(F)
        xp[k], Pp[k] = xc, Pc
        z = obs[k]
        ok = np.isfinite(z) & np.isfinite(R[k])
        if ok.any():
            Hx = xc[:, 0]
            s = Pc[:, 0, 0] + R[k]
            K = Pc[:, :, 0] / s[:, None]
            innov = np.where(ok, z - Hx, 0.0)
            xc = xc + np.where(ok[:, None], K * innov[:, None], 0.0)
            Pn = Pc - K[:, :, None] * Pc[:, 0:1, :]
            Pc = np.where(ok[:, None, None], Pn, Pc)
        x[k], Pm[k] = xc, Pc
    xs = x[-1].copy()
    Ps = Pm[-1].copy()
    out = np.zeros((N, S))
    out[-1] = xs[:, 0]
    for k in range(N - 2, -1, -1):
        F = Fs[k]
        C = Pm[k] @ F.T @ np.linalg.inv(Pp[k + 1])
        xs = x[k] + np.einsum("sij,sj->si", C, xs - xp[k + 1])
        Ps = Pm[k] + C @ (Ps - Pp[k + 1]) @ np.swapaxes(C, -1, -2)
        out[k] = xs[:, 0]
    return out


def _model(dt: float, q: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    if n == 2:
        F = np.array([[1, dt], [0, 1]])
        Q = q * np.array([[dt ** 3 / 3, dt ** 2 / 2], [dt ** 2 / 2, dt]])
    else:
        F = np.array([[1, dt, dt * dt / 2], [0, 1, dt], [0, 0, 1]])
        Q = q * np.array([[dt ** 5 / 20, dt ** 4 / 8, dt ** 3 / 6], [dt ** 4 / 8, dt ** 3 / 3, dt ** 2 / 2],
                          [dt ** 3 / 6, dt ** 2 / 2, dt]])
    return F, Q


def facing_frames(pos: np.ndarray, left: int, right: int) -> np.ndarray:
    """Per-frame horizontal body axes from a left/right joint pair: [N, 2, 2] rows (forward, left) in xy."""
    lv = pos[:, left, :2] - pos[:, right, :2]
    lv = lv / np.maximum(np.linalg.norm(lv, axis=-1, keepdims=True), 1e-9)
    fw = np.stack([lv[:, 1], -lv[:, 0]], -1)
    return np.stack([fw, lv], 1)


@dataclass
class PosePrior:
    """A Gaussian over root-relative joint positions in the body's heading frame (a full-rank PCA model):
    conditioning on the visible joints predicts the occluded ones."""

    mean: np.ndarray  # [J*3]
    cov: np.ndarray  # [J*3, J*3]
    root: int
    left: int
    right: int

    @classmethod
    def fit(cls, clips: list[np.ndarray], *, root: int, left: int, right: int, ridge: float = 1e-4) -> "PosePrior":
        """Fit on complete sequences [N, J, 3] (e.g. other clips, or the visible frames of the same stream)."""
        feats = np.concatenate([_canonical(c, root, left, right) for c in clips], 0)
        mean = feats.mean(0)
        cov = np.cov(feats, rowvar=False) + ridge * np.eye(feats.shape[1])
        return cls(mean, cov, root, left, right)

    def predict(self, pos: np.ndarray) -> np.ndarray:
        """Fill the NaN joints of frames [N, J, 3] by the conditional mean given the visible joints.
        The root and the left/right reference pair must be visible in a frame for it to be filled."""
        out = pos.copy()
        N, J, _ = pos.shape
        ok_ref = np.isfinite(pos[:, [self.root, self.left, self.right]]).all(axis=(1, 2))
        axes = facing_frames(np.nan_to_num(pos), self.left, self.right)
        for k in np.flatnonzero(ok_ref & ~np.isfinite(pos).all(axis=(1, 2))):
            rel = pos[k] - pos[k, self.root]
            loc = np.concatenate([rel[:, :2] @ axes[k].T, rel[:, 2:]], -1).reshape(-1)
            m = ~np.isfinite(loc)
            o = ~m
            Soo = self.cov[np.ix_(o, o)]
            Smo = self.cov[np.ix_(m, o)]
            pred = self.mean[m] + Smo @ np.linalg.solve(Soo, loc[o] - self.mean[o])
            loc[m] = pred
            loc = loc.reshape(J, 3)
            world = np.concatenate([loc[:, :2] @ axes[k], loc[:, 2:]], -1) + pos[k, self.root]
            miss = ~np.isfinite(pos[k]).all(-1)
            out[k, miss] = world[miss]
        return out


def _canonical(pos: np.ndarray, root: int, left: int, right: int) -> np.ndarray:
    axes = facing_frames(pos, left, right)
    rel = pos - pos[:, root:root + 1]
    xy = np.einsum("nji,nki->njk", rel[..., :2], axes)
    return np.concatenate([xy, rel[..., 2:]], -1).reshape(len(pos), -1)


def correct_bones(pos: np.ndarray, parents: np.ndarray, filled: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Put every filled joint at its bone's length from its parent (parents first): pos [N, J, 3],
    filled bool [N, J], lengths [J]."""
    out = pos.copy()
    for j in range(len(parents)):
        p = parents[j]
        if p < 0 or not filled[:, j].any():
            continue
        k = filled[:, j]
        v = out[k, j] - out[k, p]
        n = np.linalg.norm(v, axis=-1, keepdims=True)
        out[k, j] = out[k, p] + v / np.maximum(n, 1e-9) * lengths[j]
    return out


def bone_lengths(pos: np.ndarray, parents: np.ndarray) -> np.ndarray:
    """Median length of each bone over the frames where both ends are visible ([J], 0 for the root)."""
    out = np.zeros(len(parents))
    for j, p in enumerate(parents):
        if p >= 0:
            ln = np.linalg.norm(pos[:, j] - pos[:, p], axis=-1)
            out[j] = np.nanmedian(ln) if np.isfinite(ln).any() else 0.0
    return out


def fill_linear(pos: np.ndarray, fps: float) -> np.ndarray:
    """Baseline: linear interpolation of each coordinate across its gaps (held at the ends)."""
    out = pos.copy()
    N = len(pos)
    t = np.arange(N)
    flat = out.reshape(N, -1)
    for s in range(flat.shape[1]):
        ok = np.isfinite(flat[:, s])
        if ok.any() and not ok.all():
            flat[~ok, s] = np.interp(t[~ok], t[ok], flat[ok, s])
    return flat.reshape(pos.shape)


def fill_gaps(pos: np.ndarray, fps: float, parents: np.ndarray, *, prior: PosePrior | None = None,
              lengths: np.ndarray | None = None) -> np.ndarray:
    """Fill the NaN joints of one person's sequence [N, J, 3] by the gap-length policy, then correct bone
    lengths of the filled joints. Without a prior, long gaps fall back to the RTS smoother."""
    pos = np.asarray(pos, np.float64)
    N, J, _ = pos.shape
    miss = ~np.isfinite(pos).all(-1)
    if not miss.any():
        return pos.copy()
    if lengths is None:
        lengths = bone_lengths(pos, parents)
    t = np.arange(N) / fps
    out = pos.copy()
    spline = _fill_spline(pos, t)
    rts = rts_smooth(t, pos.reshape(N, -1), 1e-6, q=400.0, order=3).reshape(N, J, 3)
    pri = None
    if prior is not None:
        pri = prior.predict(pos)
        pri = _edge_corrected(pos, pri, miss, prior)
    for j in range(J):
        for a, b in true_runs(miss[:, j]):
            dur = (b - a) / fps
            if dur <= SHORT_GAP_S + 1e-9 and spline is not None:
                src = spline
            elif dur > MEDIUM_GAP_S + 1e-9 and pri is not None and np.isfinite(pri[a:b, j]).all():
                src = pri
            else:
                src = rts
            out[a:b, j] = src[a:b, j]
    return correct_bones(out, parents, miss, lengths)


def _fill_spline(pos: np.ndarray, t: np.ndarray) -> np.ndarray | None:
    N = len(pos)
    flat = pos.reshape(N, -1)
    out = flat.copy()
    for s in range(flat.shape[1]):
        ok = np.isfinite(flat[:, s])
        if ok.sum() >= 4 and not ok.all():
            out[~ok, s] = CubicSpline(t[ok], flat[ok, s])(t[~ok])
        elif ok.any() and not ok.all():
            out[~ok, s] = np.interp(t[~ok], t[ok], flat[ok, s])
    return out.reshape(pos.shape)


def _edge_corrected(pos: np.ndarray, pred: np.ndarray, miss: np.ndarray, prior: PosePrior) -> np.ndarray:
    """Shift the prior's prediction inside each gap by its residual at the gap's visible neighbours (predicted
    there with the joint masked), blended linearly across the gap, so the fill meets the track without a jump."""
    out = pred.copy()
    N, J, _ = pos.shape
    for j in range(J):
        for a, b in true_runs(miss[:, j]):
            res = []
            for k in (a - 1, b):
                if 0 <= k < N and np.isfinite(pos[k, j]).all():
                    probe = pos[k:k + 1].copy()
                    probe[0, j] = np.nan
                    guess = prior.predict(probe)[0, j]
                    res.append(pos[k, j] - guess if np.isfinite(guess).all() else None)
                else:
                    res.append(None)
            r0, r1 = res
            if r0 is None and r1 is None:
                continue
            r0 = r1 if r0 is None else r0
            r1 = r0 if r1 is None else r1
            u = ((np.arange(a, b) - a + 1) / (b - a + 1))[:, None]
            out[a:b, j] = pred[a:b, j] + (1 - u) * r0 + u * r1
    return out
