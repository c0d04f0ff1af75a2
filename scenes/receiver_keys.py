"""Number keys floating above the eligible receivers' heads during training (press the number, or click the
receiver, to throw to him). Billboards in the 3D scene, so they also show in a headset."""

from __future__ import annotations

import numpy as np
from panda3d.core import NodePath, TextNode

from .review_marks import label_size

LABEL_ABOVE_HEAD_M = 0.45
LABEL_SIZE_M = 0.55  # without a viewer to size them for
KEY_PX = 26.0  # with one: the keys read this many pixels tall at any distance (within the world limits)


class ReceiverKeys:
    """One label per receiver: `labels` is [(key text, player column)], `head` the joint index of the head top."""

    def __init__(self, labels: list[tuple[str, int]], head: int):
        self.root = NodePath("receiver-keys")
        self.head = head
        self.cols = np.array([c for _, c in labels], int)
        self.nodes = []
        for text, col in labels:
            tn = TextNode(f"key-{col}")
            tn.set_text(text)
            tn.set_align(TextNode.A_center)
            tn.set_text_color(1.0, 0.92, 0.2, 1.0)
            tn.set_shadow(0.06, 0.06)
            tn.set_shadow_color(0, 0, 0, 1)
            np_ = self.root.attach_new_node(tn)
            np_.set_scale(LABEL_SIZE_M)
            np_.set_billboard_point_eye()
            np_.set_light_off(1)
            np_.set_depth_write(False)
            np_.set_bin("fixed", 50)
            self.nodes.append(np_)

    def update(self, joints: np.ndarray, eye: np.ndarray | None = None, px_per_rad: float | None = None) -> None:
        """Place the keys above the receivers' heads; with the viewer's `eye` and pixel scale, size each so it
        reads the same on screen near and far (a far receiver's key stays legible, a near one does not cover the
        picture)."""
        pts = joints[self.cols, self.head]
        for node, p in zip(self.nodes, pts):
            if np.all(np.isfinite(p)):
                node.show()
                node.set_pos(float(p[0]), float(p[1]), float(p[2]) + LABEL_ABOVE_HEAD_M)
                if eye is not None and px_per_rad:
                    d = float(np.linalg.norm(p - eye))
                    node.set_scale(label_size(d, px_per_rad, KEY_PX))
            else:
                node.hide()
