"""The stadium (crowd, light towers, sky gradient), blob shadows and the review marks (ball minimum size and
trail, target and carrier rings, labels kept off the HUD), judged on pixels of headless renders."""

from __future__ import annotations

import numpy as np
import pytest

from engine.app import close_play, open_play, render_at
from engine.backends.panda_display import PandaDisplay
from engine.renderer import Renderer
from replay.roles import release_time
from scenes import palette
from scenes.review_marks import (
    BALL_MIN_PX,
    CARRIER_COLOR,
    TARGET_COLOR,
    ball_carrier,
    ball_scale,
    label_size,
    target_column,
)
from scenes.shadows import ground_point
from scenes.stadium import SEAT_COLOR, crowd_image

pytestmark = pytest.mark.render

W, H = 384, 216


@pytest.fixture(scope="module")
def renderer():
    r = Renderer(PandaDisplay("offscreen", (W, H)))
    yield r
    r.close()


def colour_share(img: np.ndarray, rgb, tol: float = 0.12) -> float:
    p = img.reshape(-1, 3).astype(np.float32) / 255.0
    return float((np.abs(p - np.asarray(rgb, np.float32)).max(axis=1) < tol).mean())


def test_crowd_image_has_seated_fans_in_shirt_colours_and_empty_seats():
    img = crowd_image(np.random.default_rng(1), [(1.0, 0.0, 0.0), (0.0, 0.0, 1.0)])
    red = (img[..., 0] > 0.7) & (img[..., 2] < 0.1)
    blue = (img[..., 2] > 0.7) & (img[..., 0] < 0.1)
    seats = np.all(np.abs(img - np.asarray(SEAT_COLOR)) < 1e-3, axis=-1)
    assert 0.05 < red.mean() < 0.4 and 0.05 < blue.mean() < 0.4
    assert seats.mean() > 0.2, "seats show between and around the fans"


def test_stands_hold_a_crowd_and_the_sky_darkens_upward(renderer, tiny_play):
    view = open_play(renderer, tiny_play, camera="sideline", hud=False)
    try:
        img = render_at(view, 0.0).astype(np.float32)
        stands = img[: H // 6]  # the sideline view's upper band looks into the far stands
        assert stands.std(axis=(0, 1)).mean() > 5, "a crowd, not a flat wall (a flat wall has std ~0)"
        view.set_camera("qb")
        view.renderer.look(np.array([50.0, 24.0, 1.8]), np.array([50.0, 24.0, 400.0]), 90.0)  # straight up
        view.renderer.render()
        up = view.renderer.screenshot().astype(np.float32)
        centre = up[H // 2 - 5: H // 2 + 5, W // 2 - 5: W // 2 + 5].mean(axis=(0, 1)) / 255
        assert np.allclose(centre, (0.30, 0.50, 0.78), atol=0.06), f"zenith colour {centre}"
    finally:
        close_play(view)


def test_ground_point_follows_the_sun():
    s = np.asarray(palette.SUN)
    p = np.array([10.0, 5.0, 2.0])
    g = ground_point(p)
    assert np.allclose(np.append(g, 0.0), p - p[2] / s[2] * s)


def test_players_cast_shadows_on_the_turf(renderer, tiny_play):
    view = open_play(renderer, tiny_play, camera="all22", hud=False)
    try:
        view.scene.figures.root.hide()
        view.scene.ball.root.hide()
        with_shadows = render_at(view, 1.0).astype(np.float32)
        view.scene.shadows.root.hide()
        without = render_at(view, 1.0).astype(np.float32)
        darker = (without.sum(axis=2) - with_shadows.sum(axis=2)) > 40
        assert darker.mean() > 0.002, "shadows darken the turf under the players"
        assert (with_shadows <= without + 1).all(), "shadows only darken"
    finally:
        close_play(view)


def test_ball_scale_and_label_size():
    px_per_rad = 640 / (2 * np.tan(np.radians(30)))
    assert ball_scale(2.0, px_per_rad) == 1.0
    far = ball_scale(200.0, px_per_rad)
    assert far > 1 and np.isclose(0.17 * far / 200.0 * px_per_rad, BALL_MIN_PX)
    assert label_size(1.0, px_per_rad) == pytest.approx(0.25)  # close: never smaller than a readable plate
    assert label_size(20.0, px_per_rad) < label_size(40.0, px_per_rad) <= 3.0


def test_ball_carrier_is_the_player_holding_a_low_ball():
    roots = np.array([[0, 0, 1], [5, 0, 1]], np.float32)
    assert ball_carrier(roots, np.array([5.3, 0.2, 1.1])) == 1
    assert ball_carrier(roots, np.array([5.3, 0.2, 6.0])) is None  # in the air
    assert ball_carrier(roots, np.array([2.5, 0.0, 1.0])) is None


@pytest.mark.shared_data
def test_review_marks_target_carrier_and_ball_in_flight(renderer, real_pass_play):
    play = real_pass_play
    assert target_column(play) is not None
    view = open_play(renderer, play, camera="sideline", hud=True, review=True)
    try:
        t_snap = play.event_time("ball_snap")
        img = render_at(view, t_snap + 0.5)
        assert colour_share(img, TARGET_COLOR) > 0.0003, "the target receiver's ring and label"
        assert colour_share(img, CARRIER_COLOR) > 0.0003, "the ball carrier's ring and label"
        view.set_camera("all22")
        t_air = release_time(play) + 0.6
        marks = view.marks
        with_marks = render_at(view, t_air)
        assert marks.shown["carrier"] is None and marks.trail.root.is_hidden() is False, "ball in the air"
        assert view.scene.ball.root.get_scale()[0] > 1.0, "the far ball drawn at its minimum size"
        marks.root.hide()
        view.scene.ball.root.set_scale(1.0)
        view.renderer.render()
        bare = view.renderer.screenshot()
        assert np.abs(with_marks.astype(int) - bare.astype(int)).sum(axis=2).astype(bool).sum() > 20
    finally:
        close_play(view)


@pytest.mark.shared_data
def test_labels_never_cover_the_hud(renderer, real_pass_play):
    view = open_play(renderer, real_pass_play, camera="sideline", hud=True, review=True)
    try:
        render_at(view, real_pass_play.event_time("ball_snap") + 0.5)
        marks = view.marks
        J = view.scene.joints
        eye = view.last_pose.eye
        marks._place("target", marks.target, J, eye, 300.0, lambda p: (0.0, -0.95), view.hud.top)
        assert marks.labels["target"].is_hidden(), "a label on the HUD band is hidden"
        marks._place("target", marks.target, J, eye, 300.0, lambda p: (0.0, 0.2), view.hud.top)
        assert not marks.labels["target"].is_hidden()
    finally:
        close_play(view)
