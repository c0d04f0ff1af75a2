"""One play as a scene graph: field (static, flattened), instanced figures and the ball, updated from play time.

    scene = build_play_scene(play)        # scene.root is a NodePath to attach under a renderer's scene root
    scene.update(t)                        # joints and ball at t seconds from the snap
    scene.joints                           # the [P, J, 3] array last drawn (cameras read it)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from panda3d.core import NodePath

from replay.play import Play
from replay.roles import passer

from . import palette
from .ball import Ball
from .field import SUN, build_field
from .figures import Figures
from .pose_source import PoseSource, pose_source_for

BALL_VELOCITY_DT = 0.05


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
    joints: np.ndarray | None = None
    ball_pos: np.ndarray | None = None
    t: float | None = None

    @property
    def joint_names(self):
        return self.poses.joint_names

    def update(self, t: float) -> np.ndarray:
        """Pose every player and the ball at play time `t`; returns the joints drawn."""
        self.t = float(t)
        self.joints = np.asarray(self.poses.joints_at(t), np.float32)
        self.figures.update(self.joints)
        b = np.asarray(self.poses.ball_at(t), np.float32)
        b2 = np.asarray(self.poses.ball_at(t + BALL_VELOCITY_DT), np.float32)
        self.ball_pos = b
        self.ball.update(b, (b2 - b) / BALL_VELOCITY_DT)
        return self.joints


def build_play_scene(play: Play, poses: PoseSource | None = None) -> PlayScene:
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
    return PlayScene(play, poses, root, field, figures, ball, kits, passer(play))
