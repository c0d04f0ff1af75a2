"""Measuring motion quality on real motion capture, shared by the tests and
tools/bench_motion.py: masked-joint gap filling against linear interpolation, RFID fusion of the pelvis, and
motion synthesised from a clip's 10 Hz track against the clip itself."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .field_frame import YARD
from .fusion import fuse_root
from .gapfill import PosePrior, fill_gaps, fill_linear
from .mocap import MocapClip, clip_track_play, read_deepmimic
from .motion import build_motion
from .motion_metrics import foot_skating, lowest_point, step_rate

LOCOMOTION = ("walk", "jog", "run")
DEEPMIMIC_HEIGHT_M = 1.65


def load_locomotion(mocap_dir: str | Path) -> dict[str, MocapClip]:
    d = Path(mocap_dir)
    return {n: read_deepmimic(d / f"humanoid3d_{n}.txt") for n in LOCOMOTION}


def prior_without(clips: dict[str, MocapClip], name: str) -> PosePrior:
    """A pose prior trained on the other locomotion clips (never on the clip under test)."""
    c = clips[name]
    return PosePrior.fit([clips[n].positions for n in clips if n != name], root=0,
                         left=c.index("left_hip"), right=c.index("right_hip"))


def gap_errors(clips: dict[str, MocapClip], name: str, gap_s: float, *, step: int = 9,
               joints: tuple[str, ...] = ("left_wrist", "right_wrist"), loop_s: float = 8.0) -> tuple[float, float]:
    """Mean error (mm) over the gap of the policy fill and of linear interpolation, one joint masked at a time
    at gap starts every `step` frames of the looped clip."""
    c = clips[name]
    pos = c.looped(loop_s).positions
    n = max(1, int(round(gap_s * c.fps)))
    prior = prior_without(clips, name)
    fill, lin = [], []
    for jn in joints:
        j = c.index(jn)
        for a in range(30, len(pos) - n - 30, step):
            m = pos.copy()
            m[a:a + n, j] = np.nan
            truth = pos[a:a + n, j]
            f = fill_gaps(m, c.fps, c.parents, prior=prior)[a:a + n, j]
            fill.append(np.linalg.norm(f - truth, axis=-1).mean())
            lin.append(np.linalg.norm(fill_linear(m, c.fps)[a:a + n, j] - truth, axis=-1).mean())
    return 1000 * float(np.mean(fill)), 1000 * float(np.mean(lin))


def fusion_rmse(clip: MocapClip, *, seeds=range(3), noise_m: float = 0.10, rate: float = 10.0
                ) -> tuple[float, float]:
    """Pelvis RMSE (mm, horizontal) recovered from the mid-shoulder point at `rate` Hz with `noise_m` Gaussian
    noise per axis using the pose's shoulder-to-pelvis offset, and the baseline: the noisy tag linearly
    interpolated, taken as the pelvis."""
    pos = clip.looped(8.0).positions
    t = np.arange(len(pos)) / clip.fps
    mid = 0.5 * (pos[:, clip.index("left_shoulder")] + pos[:, clip.index("right_shoulder")])
    root = pos[:, 0]
    k = np.arange(0, len(pos), max(1, int(round(clip.fps / rate))))
    errs, base = [], []
    for seed in seeds:
        tags = mid[k, :2] + np.random.default_rng(seed).normal(0, noise_m, (len(k), 2))
        est = fuse_root(t, t[k], tags, (mid - root)[:, :2])
        errs.append(np.sqrt(np.mean(np.sum((est - root[:, :2]) ** 2, axis=1))))
        lin = np.stack([np.interp(t, t[k], tags[:, c]) for c in range(2)], -1)
        base.append(np.sqrt(np.mean(np.sum((lin - root[:, :2]) ** 2, axis=1))))
    return 1000 * float(np.mean(errs)), 1000 * float(np.mean(base))


def synthesis_figures(clip: MocapClip) -> dict[str, float]:
    """Motion synthesised from the clip's 10 Hz mid-shoulder track (one player of the clip's height) against
    the clip: real and synthesised step rate, synthesised foot-skating ratio (worst foot), root speed."""
    loop = clip.looped(8.0)
    pos = loop.positions
    real = step_rate([pos[:, clip.index(f"{s}_ankle"), 2] for s in ("left", "right")], clip.fps)
    play = clip_track_play(loop, height_m=DEEPMIMIC_HEIGHT_M)
    m = build_motion(play, fps=clip.fps)
    J = m.all_joints()[:, 0]
    keep = (m.times > 0.5) & (m.times < m.times[-1] - 0.5)
    feet = [lowest_point(J, m.joint_names, s)[keep] for s in "lr"]
    syn = step_rate([f[:, 2] for f in feet], m.fps)
    return {"real_step_rate": real, "synth_step_rate": syn,
            "skating": max(foot_skating(f, m.fps) for f in feet),
            "speed": float(np.median(play.s)) * YARD}
