"""The field frame (yards, offense toward +x) and the world frame (metres, Z up) and the conversion between them."""

from __future__ import annotations

import numpy as np
import pytest

from replay.field_frame import FIELD, YARD
from replay.play import FIELD_LENGTH, FIELD_WIDTH


def test_regulation_field_in_yards():
    assert (FIELD.length, FIELD.width, FIELD.end_zone) == (120.0, pytest.approx(53.333, abs=1e-3), 10.0)
    assert FIELD.width * 3 == pytest.approx(160.0)  # 160 ft sideline to sideline
    assert FIELD.centre_y == pytest.approx(26.667, abs=1e-3) and FIELD.midfield_x == 60.0
    assert FIELD.goal_x == 110.0
    assert (FIELD_LENGTH, FIELD_WIDTH) == (FIELD.length, FIELD.width)  # the names play.py kept importable


def test_world_is_metres_z_up_and_converts_back():
    assert YARD == 0.9144
    x, y = np.array([[0.0, 10.0], [60.0, 120.0]]), np.array([[0.0, 26.5], [53.3, 5.0]])
    w = FIELD.to_world(x, y, 1.8)
    assert w.shape == (2, 2, 3)
    assert np.allclose(w[1, 0], [54.864, 48.73752, 1.8])
    bx, by = FIELD.to_field(w)
    assert np.allclose(bx, x) and np.allclose(by, y)


def test_turning_the_field_twice_is_the_identity_and_keeps_the_centre():
    x, y = np.array([10.0, 60.0]), np.array([0.0, FIELD.centre_y])
    tx, ty = FIELD.turned(x, y)
    assert np.allclose(tx, [110.0, 60.0]) and np.allclose(ty, [FIELD.width, FIELD.centre_y])
    assert np.allclose(FIELD.turned(tx, ty), (x, y))


def test_sideline_distance_is_zero_outside_the_field():
    assert np.allclose(FIELD.sideline_distance(np.array([-2.0, 3.0, 50.0, 60.0])), [0.0, 3.0, FIELD.width - 50, 0])
