"""What the trainee sees in the headset besides the play: a text panel floating in front of him (the ready panel
between reps, "paused"), his two controllers where they are, and the fade to black between reps.

All of it lives in the rig's frame (Panda3D axes, metres: +Y the trainee's recentred forward, +Z up), so it moves
with him; the panel and the controllers are drawn over the fade.
"""

from __future__ import annotations

import numpy as np
from panda3d.core import LQuaternionf, NodePath, TextNode

from .meshes import box, make_geom

PANEL_DISTANCE_M = 1.6
PANEL_TEXT_M = 0.075        # line height
CONTROLLER_COLOR = (0.85, 0.85, 0.9, 1.0)
TIP_COLOR = (0.95, 0.55, 0.1, 1.0)


class HeadsetPanel:
    """A text panel `PANEL_DISTANCE_M` in front of the trainee's head, facing him; hidden until `show`."""

    def __init__(self, rig: NodePath):
        self.text = TextNode("headset-panel")
        self.text.set_align(TextNode.A_center)
        self.text.set_text_color(1, 1, 1, 1)
        self.text.set_card_color(0.05, 0.07, 0.1, 0.85)
        self.text.set_card_as_margin(0.6, 0.6, 0.4, 0.4)
        self.text.set_wordwrap(20)
        self.root = rig.attach_new_node(self.text)
        self.root.set_scale(PANEL_TEXT_M)
        self.root.set_color_scale_off(1)
        self.root.set_light_off(1)
        self.root.set_shader_off(1)
        self.root.set_depth_test(False)
        self.root.set_depth_write(False)
        self.root.set_bin("fixed", 100)
        self.root.set_transparency(True)
        self.root.hide()

    def show(self, text: str, head_position, head_heading_rad: float) -> None:
        """Show `text` in front of a head at `head_position` (rig frame) turned `head_heading_rad` from +Y."""
        self.text.set_text(text)
        h = float(head_heading_rad)
        fwd = np.array([-np.sin(h), np.cos(h), 0.0])
        p = np.asarray(head_position, np.float64) + PANEL_DISTANCE_M * fwd
        self.root.set_pos(float(p[0]), float(p[1]), float(p[2]))
        self.root.set_h(float(np.degrees(h)))
        self.root.show()

    def hide(self) -> None:
        self.root.hide()

    @property
    def shown(self) -> bool:
        return not self.root.is_hidden()

    def remove(self) -> None:
        self.root.remove_node()


class ControllerModels:
    """Two small handles with an orange tip along the aim direction, posed every frame where the controllers are
    (hidden while a controller is not tracked)."""

    def __init__(self, rig: NodePath):
        v, n, t = box((-0.02, -0.08, -0.025), (0.02, 0.06, 0.025))
        tv, tn, tt = box((-0.012, 0.06, -0.012), (0.012, 0.1, 0.012))
        colors = np.concatenate([np.tile(CONTROLLER_COLOR, (len(v), 1)), np.tile(TIP_COLOR, (len(tv), 1))])
        geom = make_geom(np.concatenate([v, tv]), np.concatenate([t, tt + len(v)]),
                         normals=np.concatenate([n, tn]), colors=colors, name="controller")
        self.hands = []
        for k in range(2):
            np_ = rig.attach_new_node(geom.make_copy() if k else geom)
            np_.set_color_scale_off(1)
            np_.set_light_off(1)
            np_.set_shader_off(1)
            np_.set_bin("fixed", 95)  # over the fade: he sees his hands in the dark between reps
            np_.hide()
            self.hands.append(np_)

    def update(self, poses) -> None:
        """`poses`: per hand (position, orientation wxyz) in the rig frame, or None when untracked."""
        for node, pose in zip(self.hands, poses):
            if pose is None:
                node.hide()
                continue
            p, q = pose
            node.set_pos(float(p[0]), float(p[1]), float(p[2]))
            node.set_quat(LQuaternionf(*(float(x) for x in q)))
            node.show()

    def remove(self) -> None:
        for n in self.hands:
            n.remove_node()


class Fade:
    """The play fading to black (level 0) and back (1): a black shell around the trainee's head, drawn over the
    scene whatever its shaders and sky (the panel and the controllers are drawn over the shell)."""

    def __init__(self, rig: NodePath):
        v, n, t = box((-4.0, -4.0, -2.0), (4.0, 4.0, 5.0))
        self.root = rig.attach_new_node(make_geom(v, t, normals=n, name="fade"))
        self.root.set_two_sided(True)
        self.root.set_transparency(True)
        self.root.set_depth_test(False)
        self.root.set_depth_write(False)
        self.root.set_light_off(1)
        self.root.set_shader_off(1)
        self.root.set_bin("fixed", 90)
        self.level = 1.0
        self.set(1.0)

    def set(self, level: float) -> None:
        self.level = float(min(1.0, max(0.0, level)))
        if self.level >= 1.0:
            self.root.hide()
        else:
            self.root.set_color(0.0, 0.0, 0.0, 1.0 - self.level, 1)
            self.root.show()

    def remove(self) -> None:
        self.root.remove_node()
