"""Receiver keys read the same size on screen near and far (a far receiver's key stays legible)."""

from __future__ import annotations

import numpy as np
import pytest

from engine.backends.panda_display import PandaDisplay
from engine.renderer import Renderer
from scenes.receiver_keys import ReceiverKeys

pytestmark = pytest.mark.render

W, H = 480, 270
YELLOW = np.array([1.0, 0.92, 0.2], np.float32)


def key_heights(renderer: Renderer, keys: ReceiverKeys, joints: np.ndarray, eye: np.ndarray, sized: bool):
    keys.update(joints, eye if sized else None, renderer.px_per_rad if sized else None)
    renderer.render()
    img = renderer.screenshot().astype(np.float32) / 255.0
    yellow = np.abs(img - YELLOW).max(axis=2) < 0.2
    out = []
    for half in (yellow[:, : W // 2], yellow[:, W // 2:]):
        rows = np.nonzero(half.any(axis=1))[0]
        out.append(int(rows.max() - rows.min() + 1) if len(rows) else 0)
    return out  # [left key (near), right key (far)] pixel heights


def test_receiver_keys_sized_by_distance_read_alike_near_and_far():
    r = Renderer(PandaDisplay("offscreen", (W, H)), overlay=False)
    try:
        eye = np.array([0.0, 0.0, 1.8], np.float32)
        r.look(eye, eye + np.array([1.0, 0.0, 0.0], np.float32), fov_h=70.0)
        joints = np.array([[[4.0, 1.2, 1.4]], [[45.0, -14.0, 1.4]]], np.float32)  # near on the left, far right
        keys = ReceiverKeys([("1", 0), ("2", 1)], head=0)
        keys.root.reparent_to(r.scene)
        fixed_near, fixed_far = key_heights(r, keys, joints, eye, sized=False)
        near, far = key_heights(r, keys, joints, eye, sized=True)
        assert fixed_far > 0 and fixed_near > 3 * fixed_far  # one world size: the far key is a few pixels
        assert far > 1.5 * fixed_far and near < fixed_near  # sized: the far key grows, the near one shrinks
        assert 0.6 <= far / near <= 1.6, (near, far)
    finally:
        r.close()
