"""Drill variations of a play: mirrored left-right (tracks, orientation, events, description), played slower or
faster, cut short."""

from __future__ import annotations

import numpy as np
import pytest

from replay.errors import QbvrError
from replay.field_frame import FIELD
from replay.roles import pass_rushers, passer, release_time
from replay.transform import Variation, apply_variation, mirror_play, speed_play, split_ref


def test_mirror_flips_tracks_and_angles_consistently(tiny_play):
    m = mirror_play(tiny_play)
    np.testing.assert_allclose(m.y, FIELD.width - tiny_play.y, atol=1e-4)
    np.testing.assert_array_equal(m.x, tiny_play.x)
    np.testing.assert_allclose(m.ball_y, FIELD.width - tiny_play.ball_y, atol=1e-4)
    # direction of motion still agrees with the displacement: (sin, cos) of dir = (dx, dy) direction
    k = tiny_play.roster.index_of(1006)  # a receiver running downfield
    f = 40
    dx, dy = m.x[f + 1, k] - m.x[f - 1, k], m.y[f + 1, k] - m.y[f - 1, k]
    want = np.degrees(np.arctan2(dx, dy)) % 360
    assert abs((m.dir[f, k] - want + 180) % 360 - 180) < 5
    assert m.events == tiny_play.events and "mirrored" in m.flags
    np.testing.assert_allclose(mirror_play(m).y, tiny_play.y, atol=1e-4)
    np.testing.assert_allclose(mirror_play(m).o, tiny_play.o, atol=1e-3)
    # the roles do not depend on the side
    assert passer(m) == passer(tiny_play) and list(pass_rushers(m)) == list(pass_rushers(tiny_play))


def test_mirror_swaps_left_and_right_in_the_description(real_pass_play):
    m = mirror_play(real_pass_play)
    assert "pass deep right to R.Seals-Jones" in m.meta.description
    assert "deep left" in real_pass_play.meta.description  # the stored play is untouched


def test_speed_scales_the_play_clock(tiny_play):
    slow = speed_play(tiny_play, 0.5)
    np.testing.assert_allclose(slow.t, tiny_play.t * 2)
    np.testing.assert_allclose(slow.s, tiny_play.s * 0.5, rtol=1e-5)
    assert release_time(slow) == pytest.approx(2 * release_time(tiny_play))
    with pytest.raises(QbvrError, match="from 0.5 to 1.5"):
        speed_play(tiny_play, 2.0)


def test_reference_names_the_variation():
    v = Variation(mirror=True, speed=0.8, to_t=4.5)
    assert split_ref("2018092311:141" + v.suffix()) == ("2018092311:141", v)
    with pytest.raises(QbvrError, match="'flip'"):
        split_ref("2018092311:141@flip")


def test_cut_ends_the_play(tiny_play):
    c = apply_variation(tiny_play, Variation(to_t=3.0))
    assert c.t[-1] <= 3.0 and c.n_frames < tiny_play.n_frames
    c.validate()
