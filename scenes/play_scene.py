"""One play as a scene graph: field (static, flattened), instanced figures and the ball, updated from play time.

    scene = build_play_scene(play)        # scene.root is a NodePath to attach under a renderer's scene root
    scene.update(t)                        # joints and ball at t seconds from the snap
    scene.joints                           # the [P, J, 3] array last drawn (cameras read it)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from panda3d.core import NodePath

from replay.play import Play
from replay.roles import passer

from . import palette
from .ball import Ball
from .cameras import eye_point
from .field import SUN, build_field
from .figures import Figures, joint_kind
from .pose_source import PoseSource, pose_source_for
from .shadows import BODY_HALF_WIDTH_M, BlobShadows

BALL_VELOCITY_DT = 0.05
BALL_IN_HAND_M = 0.45  # the ball within this of one of the QB's hands is in his hands
HAND_JOINTS = ("l_hand", "r_hand", "l_wrist", "r_wrist")


@dataclass
class PlayScene:
    play: Play
    poses: PoseSource
    root: NodePath
    field: NodePath
    figures: Figures
    ball: Ball
    kits: tuple[palette.Kit, palette.Kit]
    qb: int | None
    shadows: BlobShadows | None = None
    joints: np.ndarray | None = None
    ball_pos: np.ndarray | None = None
    t: float | None = None
    _shadow_width: np.ndarray | None = None
    qb_shift: np.ndarray | None = None  # world x, y metres the QB was moved by on the last update (`qb_at`)

    @property
    def joint_names(self):
        return self.poses.joint_names

    def update(self, t: float, qb_at=None) -> np.ndarray:
        """Pose every player and the ball at play time `t`; returns the joints drawn. `qb_at` (world x, y metres):
        the QB's figure stands with his eyes there instead (a headset trainee's tracked head), the ball too while
        it is in his hands."""
        self.t = float(t)
        self.joints = np.asarray(self.poses.joints_at(t), np.float32)
        b = np.asarray(self.poses.ball_at(t), np.float32)
        b2 = np.asarray(self.poses.ball_at(t + BALL_VELOCITY_DT), np.float32)
        self.qb_shift = np.zeros(2, np.float32)
        if qb_at is not None and self.qb is not None and np.all(np.isfinite(self.joints[self.qb])):
            b, b2 = self._move_qb(np.asarray(qb_at, np.float32)[:2], b, b2)
        self.figures.update(self.joints)
        self.ball_pos = b
        self.ball.update(b, (b2 - b) / BALL_VELOCITY_DT)
        if self.shadows is not None:
            self._update_shadows(b)
        return self.joints

    def _move_qb(self, at: np.ndarray, b: np.ndarray, b2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Shift the QB's joints so his eyes are over `at`, and the ball with him while it is in his hands."""
        names = list(self.joint_names)
        q = self.joints[self.qb]
        self.qb_shift = (at - eye_point(q, names)[:2]).astype(np.float32)
        hands = q[[names.index(n) for n in HAND_JOINTS if n in names]]
        held = len(hands) and np.all(np.isfinite(b)) and \
            float(np.min(np.linalg.norm(hands - b[None, :], axis=1))) < BALL_IN_HAND_M
        self.joints[self.qb, :, :2] += self.qb_shift
        if held:
            b, b2 = b.copy(), b2.copy()
            b[:2] += self.qb_shift
            b2[:2] += self.qb_shift
        return b, b2

    def _update_shadows(self, ball: np.ndarray) -> None:
        """Every player with a pose casts a shadow, the first-person QB too (his figure hidden, not his shadow)."""
        ankles, head = _shadow_joints(tuple(self.joint_names))
        J = self.joints
        fig = self.figures
        if self._shadow_width is None:
            self._shadow_width = BODY_HALF_WIDTH_M * fig.radius[:, 0] / max(float(fig.layout.radius[0]), 1e-6)
        shown = np.isfinite(J[:, 0, 0]).astype(np.float32)
        self.shadows.update(J[:, ankles].mean(axis=1), J[:, head], shown, self._shadow_width, ball)


@lru_cache(maxsize=8)
def _shadow_joints(names: tuple[str, ...]) -> tuple[list[int], int]:
    """The ankles and the highest head joint (the head top) of a skeleton."""
    kinds = [joint_kind(n) for n in names]
    heads = [j for j, k in enumerate(kinds) if k == "head"] or [len(names) - 1]
    return [j for j, k in enumerate(kinds) if k == "ankle"], heads[0]


def build_play_scene(play: Play, poses: PoseSource | None = None, *, shadows: bool = True) -> PlayScene:
    """The scene for `play`; `poses` defaults to Motion's skeletons (or standing stand-ins until Motion exists)."""
    poses = poses or pose_source_for(play)
    kits = palette.play_kits(play.meta.offense_team, play.meta.defense_team)
    root = NodePath("play-scene")
    root.set_shader_input("sun_dir", tuple(float(c) for c in SUN))
    field = build_field(play.meta, kits)
    field.reparent_to(root)
    figures = Figures(play, poses.joint_names, np.asarray(poses.parents), kits)
    figures.root.reparent_to(root)
    ball = Ball()
    ball.root.reparent_to(root)
    blobs = None
    if shadows:
        blobs = BlobShadows(play.n_players)
        blobs.root.reparent_to(root)
    return PlayScene(play, poses, root, field, figures, ball, kits, passer(play), blobs)
