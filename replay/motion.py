"""Skeletal motion of a whole play: every player's 29 joints and the 3D ball at any time.

`build_motion` precomputes joints at a fixed internal rate (60 Hz) from pose data when given, else by synthesis
from the tracks; `PlayMotion.joints_at` then interpolates between two internal frames: the root linearly and each
bone's direction normalised back to its fixed length, so bone lengths stay exact at any time.
World frame: metres, Z up, x downfield (offense toward +x); `replay.field_frame` converts from the play's yards.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .ball_flight import BallPlan, ball_positions, plan_ball
from .pass_set import extend_arms, pass_set_facing
from .play import Play
from .player_sizes import play_sizes
from .separation import separate
from .skeleton import Skeleton, load_skeleton
from .synthesis import synthesize_joint_major

INTERNAL_FPS = 60.0


@dataclass
class PlayMotion:
    """Precomputed motion of one play; columns follow `play.roster`."""

    play: Play
    skeleton: Skeleton
    times: np.ndarray  # float64 [N] internal frame times (s from the snap)
    root: np.ndarray  # float32 [N, P, 3]
    bone_dir: np.ndarray  # float32 [N, P, J, 3] unit vector parent -> joint (zero for the root)
    bone_len: np.ndarray  # float32 [P, J] metres
    ball: np.ndarray  # float32 [N, 3]
    heights: np.ndarray  # float64 [P] metres used for scaling
    plan: BallPlan
    source: np.ndarray  # per player: "synthesis" or "pose"
    _ancestors: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._ancestors = self.skeleton.ancestors
        self._fps = 1.0 / float(self.times[1] - self.times[0]) if len(self.times) > 1 else INTERNAL_FPS
        self._scaled = None

    @property
    def joint_names(self) -> tuple[str, ...]:
        return self.skeleton.names

    @property
    def parents(self) -> np.ndarray:
        return self.skeleton.parents

    @property
    def fps(self) -> float:
        return self._fps

    @property
    def t_start(self) -> float:
        return float(self.times[0])

    @property
    def t_end(self) -> float:
        return float(self.times[-1])

    def _index(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = (np.clip(t, self.times[0], self.times[-1]) - self.times[0]) * self._fps
        i = np.minimum(np.floor(x).astype(np.int64), max(len(self.times) - 2, 0))
        w = np.clip(x - i, 0.0, 1.0).astype(np.float32)
        return i, w

    def joints_at(self, t: float | np.ndarray) -> np.ndarray:
        """Joints float32 [P, J, 3] at play time t (s from the snap), or [T, P, J, 3] for an array of times.
        Times outside the play are clamped to its ends."""
        scalar = np.ndim(t) == 0
        if scalar and len(self.times) > 1:
            return self._joints_at_scalar(float(t))
        tt = np.atleast_1d(np.asarray(t, np.float64))
        if len(self.times) == 1:
            i = np.zeros(len(tt), np.int64)
            w = np.zeros(len(tt), np.float32)
            j = i
        else:
            i, w = self._index(tt)
            j = i + 1
        w3 = w[:, None, None]
        root = self.root[i] + (self.root[j] - self.root[i]) * w3
        d = self.bone_dir[i] + (self.bone_dir[j] - self.bone_dir[i]) * w3[..., None]
        n = np.sqrt(np.einsum("tpjc,tpjc->tpj", d, d))
        bones = d * (self.bone_len[None] / np.maximum(n, 1e-12))[..., None]
        out = np.matmul(self._ancestors, bones) + root[:, :, None, :]
        return out[0] if scalar else out

    def _joints_at_scalar(self, t: float) -> np.ndarray:
        """`joints_at` for one time, without the array bookkeeping (it runs every frame): the same numbers."""
        t0, t1 = float(self.times[0]), float(self.times[-1])
        x = (min(max(t, t0), t1) - t0) * self._fps
        i = min(int(np.floor(x)), len(self.times) - 2)
        w = np.float32(min(max(x - i, 0.0), 1.0))
        root = self.root[i] + (self.root[i + 1] - self.root[i]) * w
        d = self.bone_dir[i] + (self.bone_dir[i + 1] - self.bone_dir[i]) * w
        n = np.sqrt(np.einsum("pjc,pjc->pj", d, d))
        bones = d * (self.bone_len / np.maximum(n, 1e-12))[..., None]
        return np.matmul(self._ancestors, bones) + root[:, None, :]

    def ball_at(self, t: float | np.ndarray) -> np.ndarray:
        """Ball centre float32 [3] (or [T, 3]), metres, world frame."""
        scalar = np.ndim(t) == 0
        tt = np.atleast_1d(np.asarray(t, np.float64))
        if len(self.times) == 1:
            out = np.repeat(self.ball[:1], len(tt), 0)
        else:
            i, w = self._index(tt)
            out = self.ball[i] + (self.ball[i + 1] - self.ball[i]) * w[:, None]
        return out[0] if scalar else out

    def all_joints(self) -> np.ndarray:
        """Joints at every internal frame, float32 [N, P, J, 3] (what joints_at gives at those times)."""
        bones = self.bone_dir * self.bone_len[None, :, :, None]
        return np.matmul(self._ancestors, bones) + self.root[:, :, None, :]

    def tag_points(self, joints: np.ndarray) -> np.ndarray:
        """Shoulder-pad midpoint (where the RFID tags sit) of joints [..., J, 3]."""
        sk = self.skeleton
        return 0.5 * (joints[..., sk.index("l_shoulder"), :] + joints[..., sk.index("r_shoulder"), :])


def decompose(joints: np.ndarray, parents: np.ndarray, *, lengths: bool = True
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Joints [N, P, J, 3] -> root [N, P, 3], unit bone directions [N, P, J, 3] float32 and (when asked)
    median bone lengths [P, J]."""
    j32 = np.ascontiguousarray(joints, dtype=np.float32)
    rel = np.zeros_like(j32)
    rel[:, :, 1:] = j32[:, :, 1:] - j32[:, :, parents[1:]]
    ln = np.sqrt(np.einsum("npjc,npjc->npj", rel, rel))
    rel /= np.maximum(ln, 1e-12)[..., None]
    med = np.median(ln, axis=0) if lengths else None
    return j32[:, :, 0].copy(), rel, med


def decompose_joint_major(jm: np.ndarray, parents: np.ndarray, measured: np.ndarray
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Joint-major positions [J, N, P, 3] -> root [N, P, 3], unit bone directions [N, P, J, 3] float32, and the
    median bone lengths [len(measured), J] of the `measured` player columns."""
    J, N, P, _ = jm.shape
    dirs = np.zeros((J, N, P, 3), np.float32)
    med = np.zeros((len(measured), J), np.float32)
    for j in range(1, J):
        d = (jm[j] - jm[parents[j]]).astype(np.float32)
        n = np.sqrt(np.einsum("npc,npc->np", d, d))
        dirs[j] = d / np.maximum(n, 1e-12)[..., None]
        if len(measured):
            med[:, j] = np.median(n[:, measured], axis=0)
    return jm[0].astype(np.float32), np.ascontiguousarray(np.moveaxis(dirs, 0, 2)), med


def internal_times(play: Play, fps: float = INTERNAL_FPS) -> np.ndarray:
    """The internal frame grid: from the first to the last frame of the play at `fps`, hitting every 10 Hz
    tracking time exactly when fps is a multiple of 10."""
    t0, t1 = float(play.t[0]), float(play.t[-1])
    n = int(round((t1 - t0) * fps)) + 1
    return t0 + np.arange(n) / fps


def build_motion(play: Play, pose=None, *, skeleton: Skeleton | None = None, fps: float = INTERNAL_FPS,
                 contact: bool = True) -> PlayMotion:
    """Every player's skeleton and the ball for the whole play. Deterministic.

    `pose` (a `replay.pose.PoseStream`) supplies measured joints for the players it covers: they are gap-filled,
    fused with the RFID track and resampled; everyone else is synthesised from the track.
    `contact` (default on): linemen pass-set facing the line, engaged pairs reach for each other
    (`replay.pass_set`) and overlapping bodies are eased apart (`replay.separation`); off for before/after figures.
    """
    skel = skeleton or load_skeleton()
    times = internal_times(play, fps)
    heights = skel.heights(play.roster.position, play_sizes(play)[0])
    plan = plan_ball(play, times)
    jm = synthesize_joint_major(pass_set_facing(play) if contact else play, times, skel, heights, plan)  # [J,T,P,3]
    source = np.full(play.n_players, "synthesis", object)
    covered = np.zeros(0, np.int64)
    if pose is not None:
        from .pose import apply_pose
        joints = np.ascontiguousarray(np.moveaxis(jm, 0, 2))
        covered = apply_pose(play, pose, times, joints, skel)
        source[covered] = "pose"
        jm = np.ascontiguousarray(np.moveaxis(joints, 2, 0))
    if contact:
        synthesized = source == "synthesis"
        extend_arms(play, times, skel, jm, heights, synthesized)
        separate(jm, times, skel, heights, synthesized)
    root, dirs, measured = decompose_joint_major(jm, skel.parents, covered)
    # synthesised bones have exact lengths: height x fraction (pose players: their median lengths)
    blen = (heights[:, None] * skel.length[None, :]).astype(np.float32)
    if len(covered):
        blen[covered] = measured
    motion = PlayMotion(play=play, skeleton=skel, times=times, root=root.astype(np.float32), bone_dir=dirs,
                        bone_len=blen, ball=np.zeros((len(times), 3), np.float32), heights=heights, plan=plan,
                        source=source)
    hand = jm[skel.index("r_hand")]
    if len(covered):
        # measured players: keep reconstructed feet on or above the turf, and the ball in the hand exactly as
        # joints_at reconstructs it
        recon = motion.joints_at(times)
        feet = [skel.index(n) for n in skel.names if n.endswith(("ankle", "heel", "toe"))]
        dip = np.minimum(recon[:, covered][:, :, feet, 2].min(axis=2), 0.0)
        motion.root[:, covered, 2] -= dip
        for k, col in enumerate(covered):
            recon[:, col, :, 2] -= dip[:, k, None]
        hand = recon[:, :, skel.index("r_hand")]
    motion.ball = ball_positions(plan, hand.astype(np.float64))
    return motion
