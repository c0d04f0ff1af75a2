"""Quality measures for skeletal motion: MPJPE, bone-length error, ground penetration,
foot skating, step rate, tag-point error against the track, and the ball's release from the passer's hand."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .field_frame import YARD


def mpjpe(pred: np.ndarray, truth: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Mean per-joint position error (same units as the input) over `mask` (bool, broadcast to [..., J])."""
    e = np.linalg.norm(pred - truth, axis=-1)
    if mask is not None:
        e = e[np.broadcast_to(mask, e.shape)]
    return float(np.mean(e)) if e.size else float("nan")


def bone_length_spread(joints: np.ndarray, parents: np.ndarray) -> float:
    """Largest relative spread (max - min) / min of any bone's length over time: joints [N, ..., J, 3]."""
    kids = np.flatnonzero(parents >= 0)
    D = np.zeros((len(kids), len(parents)), joints.dtype)  # bone = joint - parent, as one batched matmul
    D[np.arange(len(kids)), kids] = 1
    D[np.arange(len(kids)), parents[kids]] = -1
    d = np.matmul(D, joints)
    ln = np.sqrt(np.einsum("...c,...c->...", d, d))
    lo, hi = ln.min(axis=0), ln.max(axis=0)
    return float(np.max((hi - lo) / np.maximum(lo, 1e-9)))


def lowest_point(joints: np.ndarray, names: tuple[str, ...], side: str) -> np.ndarray:
    """Lowest foot point (z) and its index per frame for one foot of a 29-joint skeleton: [..., 3]."""
    idx = [names.index(f"{side}_{n}") for n in ("ankle", "heel", "big_toe", "small_toe")]
    pts = joints[..., idx, :]
    k = np.argmin(pts[..., 2], axis=-1)
    return np.take_along_axis(pts, k[..., None, None], axis=-2)[..., 0, :]


def foot_skating(foot: np.ndarray, fps: float, *, height: float = 0.05, slide: float = 0.025,
                 ref_fps: float = 30.0) -> float:
    """Share of ground frames (foot point below `height` m) in which the foot slides more than `slide` m per
    frame at `ref_fps` (i.e. horizontal speed > slide*ref_fps). foot [N, 3] with z above the ground."""
    if len(foot) < 2:
        return 0.0
    v = np.linalg.norm(np.diff(foot[:, :2], axis=0), axis=-1) * fps
    low = (foot[1:, 2] < height) & (foot[:-1, 2] < height)
    if not low.any():
        return 0.0
    return float(np.mean(v[low] > slide * ref_fps))


def step_rate(feet_z: list[np.ndarray], fps: float, *, frac: float = 0.3) -> float:
    """Steps per second from foot heights: a step is a touchdown (height falling below `frac` of the foot's
    range above its lowest point, with hysteresis) of either foot; rate = steps / span between first and last."""
    strikes: list[float] = []
    for z in feet_z:
        lo, hi = float(np.min(z)), float(np.max(z))
        if hi - lo < 1e-3:
            continue
        down, up = lo + frac * (hi - lo), lo + (frac + 0.2) * (hi - lo)
        in_air = z[0] > up
        for i, zz in enumerate(z):
            if in_air and zz < down:
                strikes.append(i / fps)
                in_air = False
            elif not in_air and zz > up:
                in_air = True
    if len(strikes) < 2:
        return 0.0
    strikes.sort()
    return (len(strikes) - 1) / (strikes[-1] - strikes[0])


@dataclass
class PlayChecks:
    """Per-play acceptance figures (metres unless noted)."""

    key: str
    nan_joints: int
    bone_spread: float  # relative
    min_foot_z: float
    max_tag_error_yd: float
    release_gap: float | None  # ball to passer hand at pass_forward
    release_leaves: bool | None  # in the hand 0.1 s before and at the release, > 0.3 m away 0.2 s after


def check_play_motion(motion, joints: np.ndarray | None = None) -> PlayChecks:
    """Acceptance checks of one PlayMotion over all its internal frames and at every tracking sample."""
    play = motion.play
    names = motion.joint_names
    J = motion.all_joints() if joints is None else joints
    nan = int(np.isnan(J).sum())
    spread = bone_length_spread(J, motion.parents)
    foot_idx = [names.index(n) for n in names if n.endswith(("ankle", "heel", "toe"))]
    min_z = float(np.nanmin(J[..., foot_idx, 2]))
    # tag point vs the track at every tracking sample (where the track has a position)
    at = motion.joints_at(play.t)
    tag = motion.tag_points(at)[..., :2] / YARD
    err = np.hypot(tag[..., 0] - play.x, tag[..., 1] - play.y)
    tag_err = float(np.nanmax(err)) if np.isfinite(err).any() else 0.0
    gap = leaves = None
    plan = motion.plan
    if plan.thrower is not None and plan.t_release is not None:
        tr = plan.t_release
        hand = names.index("r_hand")
        probe = np.array([tr - 0.1, tr, tr + 0.2])
        h = motion.joints_at(probe)[:, plan.thrower, hand]
        b = motion.ball_at(probe)
        d = np.linalg.norm(h - b, axis=-1)
        gap = float(d[1])
        leaves = bool(d[0] < 0.01 and d[1] < 0.01 and d[2] > 0.3)
    return PlayChecks(play.key, nan, spread, min_z, tag_err, gap, leaves)
