"""Reviewing a scripted session of a real play in 3D, offscreen: the gaze ray, the trainee's ball after his
throw and the CP bubbles are in the picture (asserted on pixels), and `qbvr review SESSION --video` writes an mp4
of the rep's frames."""

from __future__ import annotations

import numpy as np
import pytest

from engine.app import close_play, render_at, to_pixels
from engine.cli import main
from engine.commands.review import frame_times
from engine.session_view import open_rep
from engine.training.session.review import load_rep_review
from scenes.session_marks import GAZE_COLOR, cp_color

pytestmark = [pytest.mark.render, pytest.mark.shared_data]
SIZE = (640, 360)


@pytest.fixture(scope="module")
def rep(real_store, real_session):
    return load_rep_review(real_session, 1, real_store)


@pytest.fixture(scope="module")
def renderer():
    from engine.backends.panda_display import PandaDisplay
    from engine.renderer import Renderer
    r = Renderer(PandaDisplay("offscreen", SIZE))
    yield r
    r.close()


def _near(rgb: np.ndarray, color, tol: int = 45) -> np.ndarray:
    """Pixels within `tol` (per channel) of an RGB colour in [0, 1]."""
    c = np.round(np.asarray(color) * 255).astype(int)
    return (np.abs(rgb.astype(int) - c) <= tol).all(-1)


def _hidden(renderer, view, names) -> np.ndarray:
    """The picture again with some nodes hidden (shown again after)."""
    nodes = [view.scene.root.find(f"**/{n}") for n in names]
    for n in nodes:
        n.hide()
    renderer.render()
    out = renderer.screenshot()
    for n in nodes:
        n.show()
    return out


def test_the_gaze_ray_is_drawn_from_the_eyes(renderer, rep):
    view = open_rep(renderer, rep, camera="sideline")
    try:
        shot = render_at(view, 1.5)
        without = _hidden(renderer, view, ("gaze-cone", "gaze-line", "gaze-dot"))
        gaze = _near(shot, GAZE_COLOR)
        assert gaze.sum() > 40, gaze.sum()
        assert _near(without, GAZE_COLOR).sum() < gaze.sum() / 4
        # between the eyes and the gaze point (both on screen from the sideline)
        eye = to_pixels(view, rep.frames.eye[rep.frames.index_at(1.5)])
        ys, xs = np.nonzero(gaze)
        assert eye is not None and np.hypot(xs - eye[0], ys - eye[1]).min() < 25
    finally:
        close_play(view)


def test_the_trainees_ball_is_on_screen_after_his_throw(renderer, rep):
    view = open_rep(renderer, rep, camera="all22")
    try:
        t = rep.throw.play_t + 0.5
        shot = render_at(view, t)
        ball = view.scene.ball_pos
        assert ball[2] > 2.0  # in the air
        px = to_pixels(view, ball)
        assert px is not None and 0 <= px[0] < SIZE[0] and 0 <= px[1] < SIZE[1]
        without = _hidden(renderer, view, ("ball",))
        changed = np.abs(shot.astype(int) - without.astype(int)).sum(-1) > 40
        ys, xs = np.nonzero(changed)
        assert len(xs) >= 4 and np.hypot(xs - px[0], ys - px[1]).max() < 12
        patch = shot[max(px[1] - 6, 0):px[1] + 7, max(px[0] - 6, 0):px[0] + 7].astype(int)
        brown = (patch[..., 0] > patch[..., 1] + 15) & (patch[..., 1] > patch[..., 2])
        assert brown.any()  # the ball's leather, not the turf's green
        # it is the trainee's ball: heading to his receiver's recorded catch point, not the real throw
        cx, cy = np.asarray(rep.outcome.catch) * 0.9144
        k = view.scene.poses.ball_at(rep.outcome.t_arrive)
        assert np.hypot(k[0] - cx, k[1] - cy) < 1.0
    finally:
        close_play(view)


def test_cp_bubbles_over_the_receivers_are_coloured_by_value(renderer, rep):
    view = open_rep(renderer, rep, camera="all22")
    try:
        shot = render_at(view, 1.5)
        bubbles = [n for n in view.scene.root.find_all_matches("**/cp-bubble") if not n.is_hidden()]
        assert len(bubbles) >= 3
        cps = rep.cp_at(1.5)
        assert sorted(round(v, 2) for v in cps.values()) == sorted(float(n.node().get_text()) for n in bubbles)
        for n in bubbles:
            px = to_pixels(view, np.array(n.get_pos(view.renderer.scene)))
            assert px is not None
            v = float(n.node().get_text())
            patch = shot[max(px[1] - 12, 0):px[1] + 12, max(px[0] - 25, 0):px[0] + 25]
            assert _near(patch, cp_color(v), 40).sum() > 15, (v, px)
    finally:
        close_play(view)


def test_review_session_video_writes_every_frame(rep, tmp_path, real_store):
    from engine.video import read_video
    out = tmp_path / "rep1.mp4"
    rc = main(["review", str(rep.folder), "--video", str(out), "--size", "160x96", "--fps", "10", "--camera",
               "endzone", "--quiet", "--store", str(real_store.root)])
    assert rc == 0
    size, fps, n = read_video(out)
    assert size == (160, 96) and fps == pytest.approx(10) and n == len(frame_times(*rep.t_range, 10))


@pytest.mark.parametrize("ref, words", [("{s}:5", "rep 5 is not in this session"),
                                        ("{s}/missing:1", "is neither a session folder"),
                                        ("{tmp}", "not a qbvr session folder")])
def test_a_bad_session_reference_is_one_line(rep, tmp_path, real_store, capsys, ref, words):
    arg = ref.format(s=rep.folder, tmp=tmp_path)
    rc = main(["review", arg, "--screenshot", str(tmp_path / "x.png"), "--store", str(real_store.root)])
    err = capsys.readouterr().err
    assert rc == 2 and words in err and err.count("\n") == 1, err
    assert not (tmp_path / "x.png").exists()
