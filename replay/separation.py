"""Players' limbs as capsules, how far they pass into each other, and a step that eases overlapping bodies apart.

Tracks put two players' tag points closer than their bodies allow (the RFID point sits on the shoulder pads;
a rusher and his blocker are chest to chest), and synthesised limbs then pass through each other.
`overlap_share` measures it (share of frames where two players' limb capsules overlap by more than
OVERLAP_M); `separate` shifts the two bodies of an overlapping pair apart horizontally, each by half the
overlap, at most MAX_SHIFT_M and smoothed over time, so tag points stay within a few centimetres of the track.
"""

from __future__ import annotations

import numpy as np

from .skeleton import Skeleton

OVERLAP_M = 0.05
MAX_SHIFT_M = 0.10
CLOSE_M = 2.2  # only pairs whose roots are closer than this can touch
SMOOTH_S = 0.25
CHECK_DT_S = 0.05
# capsule radius (m, for a 1.88 m player) by the child joint of the bone; bones not listed are not measured
RADIUS = {"spine_mid": 0.15, "neck": 0.15, "l_elbow": 0.06, "r_elbow": 0.06, "l_wrist": 0.045, "r_wrist": 0.045,
          "l_knee": 0.09, "r_knee": 0.09, "l_ankle": 0.065, "r_ankle": 0.065}


def capsules(skel: Skeleton, heights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(start joint [S], end joint [S], radius [P, S]) of the measured limb capsules."""
    names = [n for n in RADIUS if n in skel.names]
    end = np.array([skel.index(n) for n in names])
    start = skel.parents[end]
    r = np.array([RADIUS[n] for n in names]) * (np.asarray(heights, np.float64)[:, None] / 1.88)
    return start, end, r


def segment_distance(p1, q1, p2, q2) -> np.ndarray:
    """Distances [...] between segments p1-q1 and p2-q2 (arrays [..., 3])."""
    d1, d2, r = q1 - p1, q2 - p2, p1 - p2
    a = np.einsum("...k,...k", d1, d1)
    e = np.einsum("...k,...k", d2, d2)
    f = np.einsum("...k,...k", d2, r)
    c = np.einsum("...k,...k", d1, r)
    b = np.einsum("...k,...k", d1, d2)
    den = np.maximum(a * e - b * b, 1e-12)
    s = np.clip((b * f - c * e) / den, 0, 1)
    t = np.clip((b * s + f) / np.maximum(e, 1e-12), 0, 1)
    s = np.clip((b * t - c) / np.maximum(a, 1e-12), 0, 1)
    diff = (p1 + d1 * s[..., None]) - (p2 + d2 * t[..., None])
    return np.sqrt(np.einsum("...k,...k", diff, diff))


def pair_overlap(J: np.ndarray, start, end, radius) -> tuple[np.ndarray, np.ndarray]:
    """For one frame's joints [P, J, 3]: candidate pairs [K, 2] and each pair's deepest capsule overlap (m)."""
    root = J[:, 0, :2]
    d = np.linalg.norm(root[:, None] - root[None], axis=2)
    i, j = np.nonzero(np.triu(d < CLOSE_M, 1) & np.isfinite(d))
    if not len(i):
        return np.zeros((0, 2), int), np.zeros(0)
    a0, a1 = J[i][:, start], J[i][:, end]  # [K, S, 3]
    b0, b1 = J[j][:, start], J[j][:, end]
    dist = segment_distance(a0[:, :, None], a1[:, :, None], b0[:, None], b1[:, None])  # [K, S, S]
    depth = radius[i][:, :, None] + radius[j][:, None, :] - dist
    return np.stack([i, j], 1), depth.reshape(len(i), -1).max(axis=1)


def overlap_share(frames: np.ndarray, skel: Skeleton, heights: np.ndarray) -> tuple[int, int]:
    """(frames where some pair overlaps by more than OVERLAP_M, frames) over joints [T, P, J, 3]."""
    start, end, radius = capsules(skel, heights)
    hit = 0
    for J in frames:
        _, depth = pair_overlap(J, start, end, radius)
        hit += bool((depth > OVERLAP_M).any())
    return hit, len(frames)


def separate(jm: np.ndarray, times: np.ndarray, skel: Skeleton, heights: np.ndarray, movable: np.ndarray) -> None:
    """Shift overlapping pairs apart in place on joint-major positions [J, T, P, 3]; only `movable` (bool [P])
    players move (a pair with one fixed player: the other takes the whole shift)."""
    start, end, radius = capsules(skel, heights)
    T, P = jm.shape[1], jm.shape[2]
    dt = float(np.median(np.diff(times))) if T > 1 else 1.0
    every = max(1, int(round(CHECK_DT_S / dt)))  # overlaps checked at ~20 Hz, shifts interpolated between
    idx = np.arange(0, T, every)
    sub = np.zeros((len(idx), P, 2))
    for n_k, k in enumerate(idx):
        J = np.moveaxis(jm[:, k], 0, 1)  # [P, J, 3]
        pairs, depth = pair_overlap(J, start, end, radius)
        for (i, j), dep in zip(pairs, depth):
            if dep <= 0:
                continue
            u = J[i, 0, :2] - J[j, 0, :2]
            u = u / max(float(np.linalg.norm(u)), 1e-6)
            mi, mj = bool(movable[i]), bool(movable[j])
            if not (mi or mj):
                continue
            share = 0.5 if (mi and mj) else 1.0
            step = min(dep * share + 0.01, MAX_SHIFT_M)
            if mi:
                sub[n_k, i] += u * step
            if mj:
                sub[n_k, j] -= u * step
    shift = np.zeros((T, P, 2))
    for p in np.flatnonzero(np.abs(sub).sum(axis=(0, 2)) > 0):
        for c in range(2):
            shift[:, p, c] = np.interp(np.arange(T), idx, sub[:, p, c])
    n = max(1, int(round(SMOOTH_S / max(dt, 1e-6))))
    kernel = np.ones(n) / n
    for p in np.flatnonzero(np.abs(shift).sum(axis=(0, 2)) > 0):
        for c in range(2):
            shift[:, p, c] = np.clip(np.convolve(shift[:, p, c], kernel, mode="same"), -MAX_SHIFT_M, MAX_SHIFT_M)
    jm[:, :, :, :2] += shift[None]
