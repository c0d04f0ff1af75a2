"""Render tests: headless offscreen pictures of tiny synthetic and real shared plays, judged on pixels.

Pictures are small (384x216) because rendering here is software (Mesa llvmpipe). Colour checks allow for the
figures' shading (lit colour = kit colour x 0.55..1.0).
"""

from __future__ import annotations

import csv

import numpy as np
import pytest

from engine.app import close_play, open_play, render_at, update_frame
from engine.backends.panda_display import PandaDisplay
from engine.renderer import Renderer
from replay.field_frame import YARD
from replay.roles import passer
from scenes import palette
from scenes.cameras import CAMERAS, Orbit, camera_pose, line_of_scrimmage_m
from scenes.figures import Figures, figure_layout, joint_kind
from scenes.pose_source import JOINT_NAMES, PARENTS, StandingPoses

pytestmark = pytest.mark.render

W, H = 384, 216


@pytest.fixture(scope="module")
def renderer():
    r = Renderer(PandaDisplay("offscreen", (W, H)))
    yield r
    r.close()


# ---------------------------------------------------------------- picture measurements

def kit_fraction(img: np.ndarray, rgb, shade=(0.5, 1.02), tol=0.05) -> float:
    """Share of pixels that are the colour `rgb` under some shading in `shade`."""
    p = img.reshape(-1, 3).astype(np.float32) / 255.0
    c = np.asarray(rgb, np.float32)
    k = np.clip(p @ c / max(float(c @ c), 1e-6), *shade)
    return float((np.linalg.norm(p - k[:, None] * c, axis=1) < tol).mean())


def green_fraction(img: np.ndarray) -> float:
    p = img.reshape(-1, 3).astype(np.int32)
    return float(((p[:, 1] > p[:, 0] + 20) & (p[:, 1] > p[:, 2] + 20)).mean())


def sky_fraction(img: np.ndarray) -> float:
    return kit_fraction(img, palette.SKY, shade=(0.97, 1.03), tol=0.04)


def stands_fraction(img: np.ndarray) -> float:
    return kit_fraction(img, palette.STANDS, shade=(0.6, 1.02), tol=0.04)


def los_mask(img: np.ndarray) -> np.ndarray:
    """Pixels of the blue line-of-scrimmage stripe."""
    p = img.astype(np.int32)
    return (p[..., 2] > 150) & (p[..., 0] < 90) & (p[..., 2] > p[..., 1] + 60)


def assert_plausible_picture(img: np.ndarray, kits, what: str, *, balanced: bool = True) -> None:
    """Not blank, green dominates, both teams' colours present; `balanced`: neither team's colour dwarfs the
    other's (off when a team-coloured end zone is in view)."""
    assert img.shape == (H, W, 3), what
    assert img.std() > 20, f"{what}: picture is nearly uniform (std {img.std():.1f})"
    green = green_fraction(img)
    others = {"sky": sky_fraction(img), "stands": stands_fraction(img)}
    for side, kit in zip(("offense", "defense"), kits):
        others[f"{side} {kit.team}"] = kit_fraction(img, kit.primary)
    assert green > 0.3 and green > max(others.values()), f"{what}: green {green:.2f} does not dominate {others}"
    shares = []
    for side, kit in zip(("offense", "defense"), kits):
        share = others[f"{side} {kit.team}"]
        shares.append(share)
        assert 0.0015 < share < 0.35, (f"{what}: {side} {kit.team} colour {kit.primary} covers {share:.4f} "
                                       "of the picture")
    assert not balanced or max(shares) / min(shares) < 5, f"{what}: one team's colour dwarfs the other's: {others}"


# ---------------------------------------------------------------- unit: layout, figures, cameras, kits

def test_joint_kind_reads_common_naming_styles():
    assert joint_kind("l_knee") == joint_kind("LeftKnee") == joint_kind("right_knee") == "knee"
    assert joint_kind("l_big_toe") == "toe" and joint_kind("mid_hip") == "pelvis" and joint_kind("head_top") == "head"
    assert joint_kind("r_eye") == "eye" and joint_kind("spine_mid") == "spine"


def test_figure_layout_has_limbs_helmet_and_facemask():
    lay = figure_layout(JOINT_NAMES, PARENTS)
    assert lay.part.count("helmet") == 1 and lay.part.count("facemask") == 1
    assert {"jersey", "pants", "skin", "shoe", "socks"} <= set(lay.part)
    assert np.allclose(lay.start_w.sum(1), 1) and np.allclose(lay.end_w.sum(1), 1)  # points, not vectors
    assert 15 <= len(lay.radius) <= 30
    with pytest.raises(ValueError, match="shoulder"):
        figure_layout(["root", "a", "b"], np.array([-1, 0, 1]))


def test_figures_upload_joint_segments_and_hide_players(tiny_play):
    poses = StandingPoses(tiny_play)
    kits = palette.play_kits("HOM", "AWY")
    fig = Figures(tiny_play, JOINT_NAMES, PARENTS, kits)
    J = poses.joints_at(0.0)
    J[3] = np.nan  # a player without tracking at this instant
    fig.set_hidden(0)
    fig.update(J)
    seg = fig._seg
    lay = fig.layout
    knee, ankle = JOINT_NAMES.index("l_knee"), JOINT_NAMES.index("l_ankle")
    k = next(i for i in range(len(lay.radius))
             if lay.start_w[i, knee] == 1 and lay.end_w[i, ankle] == 1)
    assert np.allclose(seg[5, k, 0, :3], J[5, knee]) and np.allclose(seg[5, k, 1, :3], J[5, ankle])
    assert np.all(seg[0, :, 0, 3] == 0), "the hidden player must draw nothing"
    assert np.all(seg[3, :, 0, 3] == 0), "a player without tracking must draw nothing"
    assert np.all(seg[5, :, 0, 3] > 0)
    assert np.all(np.isfinite(seg)) and np.all(np.isfinite(fig._plate))


def test_level_of_detail_by_distance_and_hidden_players_not_drawn(tiny_play):
    from scenes.figures import LOD_NEAR_M
    fig = Figures(tiny_play, JOINT_NAMES, PARENTS, palette.play_kits("HOM", "AWY"))
    far_tris = fig.capsules_far.node().get_geom(0).get_primitive(0).get_num_primitives()
    near_tris = fig.capsules.node().get_geom(0).get_primitive(0).get_num_primitives()
    assert far_tris < 0.7 * near_tris
    J = StandingPoses(tiny_play).joints_at(0.0)
    fig.set_hidden(0)
    fig.update(J)
    qb_eye = J[0, 3]
    fig.set_eye(qb_eye)
    d = np.linalg.norm(J[:, 0] - qb_eye, axis=1)
    n_near = int(((d < LOD_NEAR_M) & (np.arange(len(d)) != 0)).sum())
    assert fig.capsules.get_instance_count() == n_near == fig.n_near
    assert fig.capsules_far.get_instance_count() == tiny_play.n_players - 1 - n_near
    order = fig._order[: tiny_play.n_players - 1, 0].astype(int)
    assert sorted(order.tolist()) == list(range(1, tiny_play.n_players)), "every shown player once, not the QB"
    assert np.all(d[order[:n_near]] < LOD_NEAR_M) and np.all(d[order[n_near:]] >= LOD_NEAR_M)
    fig.set_eye(qb_eye + np.array([0, 0, 500.0], np.float32))  # from a blimp: everyone far
    assert fig.capsules.get_instance_count() == 0 and fig.capsules_far.get_instance_count() == tiny_play.n_players - 1


def test_standing_poses_stand_on_the_ground_at_the_tracking_point(tiny_play):
    poses = StandingPoses(tiny_play)
    J = poses.joints_at(0.0)
    f = tiny_play.frame_at(0.0)
    assert J.shape == (tiny_play.n_players, 29, 3) and J.dtype == np.float32
    assert np.allclose(J[:, 0, 0], tiny_play.x[f] * YARD, atol=0.05)
    assert np.allclose(J[:, 0, 1], tiny_play.y[f] * YARD, atol=0.05)
    assert J[..., 2].min() >= 0 and 1.6 < J[:, JOINT_NAMES.index("head_top"), 2].max() < 2.3


def test_camera_poses(tiny_play):
    J = StandingPoses(tiny_play).joints_at(0.0)
    qb = passer(tiny_play)
    assert tiny_play.roster.position[qb] == "QB"
    los = line_of_scrimmage_m(tiny_play)
    poses = {n: camera_pose(n, tiny_play, J, JOINT_NAMES, qb=qb) for n in CAMERAS}
    q = poses["qb"]
    head = J[qb, JOINT_NAMES.index("head_top")]
    assert np.linalg.norm(q.eye[:2] - head[:2]) < 0.3 and 1.4 < q.eye[2] < head[2]
    look = q.target - q.eye
    assert look[0] > 0 and abs(look[1]) < 1e-3 and look[2] < 0, "qb looks downfield, slightly down"
    a = poses["all22"]
    assert a.eye[0] < los and a.eye[2] > 15 and a.target[0] > los
    e = poses["endzone"]
    assert e.eye[0] > los and e.target[0] < e.eye[0]
    s = poses["sideline"]
    assert s.eye[1] < 0 and s.target[1] > 0
    orbit = Orbit(target=np.array([los, 24.0, 0.0], np.float32), azimuth=180, elevation=30, distance=20)
    f = camera_pose("free", tiny_play, J, JOINT_NAMES, orbit=orbit)
    assert np.isclose(np.linalg.norm(f.eye - f.target), 20) and f.eye[0] < los
    with pytest.raises(ValueError, match="unknown camera"):
        camera_pose("blimp", tiny_play, J, JOINT_NAMES)
    tiny_play.meta.los_x = 108.0  # a goal-line snap: the endzone camera stays just behind the end line
    e = camera_pose("endzone", tiny_play, J, JOINT_NAMES)
    assert 120 * YARD < e.eye[0] <= 124 * YARD + 1e-3


def test_team_kits_from_the_shipped_table():
    table = palette.team_table()
    nfl = {"ARI", "ATL", "BAL", "BUF", "CAR", "CHI", "CIN", "CLE", "DAL", "DEN", "DET", "GB", "HOU", "IND", "JAX",
           "KC", "LA", "LAC", "LV", "MIA", "MIN", "NE", "NO", "NYG", "NYJ", "PHI", "PIT", "SEA", "SF", "TB", "TEN",
           "WAS"}
    assert nfl <= set(table)
    assert palette.team_kit("OAK").team == "LV"
    assert palette.team_kit("KC").primary == palette.hex_rgb(table["KC"]["primary"])
    assert palette.team_kit("XYZ", 1).primary == palette.hex_rgb(palette.FALLBACK[1]["primary"])
    off, dfn = palette.play_kits("LA", "NE")  # royal blue vs navy: the defense changes into white
    assert dfn.primary == palette.AWAY_WHITE and dfn.helmet == palette.hex_rgb(table["NE"]["primary"])
    off, dfn = palette.play_kits("GB", "SEA")  # dark green vs navy: both read as black from afar
    assert dfn.primary == palette.AWAY_WHITE and off.primary == palette.hex_rgb(table["GB"]["primary"])
    off, dfn = palette.play_kits("ARI", "CHI")
    assert off.primary == palette.hex_rgb(table["ARI"]["primary"])
    assert dfn.primary == palette.hex_rgb(table["CHI"]["primary"])


def test_shipped_team_colors_match_the_shared_table():
    from conftest import shared_path

    from replay.teams import canonical_team
    path = shared_path("ngs_highlights", "team_colors.tsv")
    table = palette.team_table()
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert len(rows) >= 32
    for row in rows:
        code = row["teams"].strip().upper()
        if canonical_team(code) != code:
            continue  # an old spelling (OAK): the current code's own row wins
        assert table[code] == {"primary": row["color1"].upper(), "secondary": row["color2"].upper()}, code


def test_bad_team_table_names_the_file(tmp_path):
    from replay.errors import InputError
    bad = tmp_path / "colors.json"
    bad.write_text('{"teams": {"KC": {"primary": "red"}}}')
    with pytest.raises(InputError, match="colors.json"):
        palette.team_table.__wrapped__(bad)


# ---------------------------------------------------------------- rendering the tiny play

def test_tiny_play_renders_field_and_both_teams(renderer, tiny_play):
    view = open_play(renderer, tiny_play, camera="all22", hud=False)
    try:
        img = render_at(view, 0.0)
        assert_plausible_picture(img, view.scene.kits, "tiny play, all22")
        assert los_mask(img).any(1).sum() >= 1
    finally:
        close_play(view)


def test_hud_draws_over_the_view(renderer, tiny_play):
    bare = open_play(renderer, tiny_play, camera="all22", hud=False)
    a = render_at(bare, 0.5)
    close_play(bare)
    hud = open_play(renderer, tiny_play, camera="all22", hud=True)
    b = render_at(hud, 0.5)
    close_play(hud)
    band = slice(int(H * 0.97), H)
    assert b[band].mean() < a[band].mean() - 20, "the HUD's band darkens the bottom of the picture"
    assert np.array_equal(a[H // 2 - 10:H // 2 + 10], b[H // 2 - 10:H // 2 + 10]), "the HUD leaves the middle alone"


def test_stereo_renders_two_eyes(tiny_play):
    from engine.backends.interface import DisplayBackend
    backend = PandaDisplay("offscreen", (192, 108), views=2)
    assert isinstance(backend, DisplayBackend)
    r = Renderer(backend)
    try:
        assert r.overlay is None and len(r.views) == 2
        view = open_play(r, tiny_play, camera="all22")
        update_frame(view, 0.0)
        r.render()
        left, right = r.screenshot(0), r.screenshot(1)
        assert left.shape == right.shape == (108, 192, 3)
        assert green_fraction(left) > 0.3 and green_fraction(right) > 0.3
        assert not np.array_equal(left, right), "the eyes are apart: the two views differ"
        assert np.abs(left.astype(int) - right.astype(int)).mean() < 30, "but only by parallax"
    finally:
        r.close()


def test_free_camera_orbits_and_zooms(renderer, tiny_play):
    view = open_play(renderer, tiny_play, camera="sideline", hud=False)
    try:
        update_frame(view, 0.0)
        view.set_camera("free")  # starts where the previous camera was
        d0 = view.orbit.distance
        view.orbit.zoom(2)
        view.orbit.drag(0.1, 0.05)
        assert view.orbit.distance < d0
        img = render_at(view, 0.0)
        assert img.std() > 20
    finally:
        close_play(view)


def test_review_controller_keys(renderer, tiny_play):
    from engine.review import ReviewController
    from replay.timebase import Timeline
    clock = [0.0]
    tl = Timeline.for_play(tiny_play, clock=lambda: clock[0])
    view = open_play(renderer, tiny_play, camera="qb", hud=False)
    try:
        ctl = ReviewController(view, tl)
        ctl.handle("space")
        assert tl.paused
        t = tl.now()
        ctl.handle("arrow_right")
        assert np.isclose(tl.now(), t + 0.1)
        ctl.handle("shift-arrow_left")
        assert np.isclose(tl.now(), max(tl.start, t - 0.9))
        ctl.handle("]")
        assert tl.speed == 2.0
        ctl.handle("2")
        assert view.camera == "all22" and view.scene.figures.visible.all()
        ctl.handle("1")
        assert view.camera == "qb" and view.scene.figures.visible[view.scene.qb] == 0
        ctl.handle("escape")
        assert not ctl.running
    finally:
        close_play(view)


# ---------------------------------------------------------------- real plays

SNAP_PLAYS = ["2018092311:141", "2018092306:3553", "2018100707:1113"]


@pytest.mark.shared_data
@pytest.mark.parametrize("key", SNAP_PLAYS)
def test_real_play_at_the_snap_from_qb_and_all22(renderer, real_store, key):
    play = real_store.load(key)
    view = open_play(renderer, play, hud=False)
    try:
        assert type(view.scene.poses).__name__ == "PlayMotion", "real plays are drawn with Motion's skeletons"
        t = play.event_time("ball_snap")
        assert t is not None
        for cam in ("qb", "all22"):
            view.set_camera(cam)
            img = render_at(view, t)
            assert_plausible_picture(img, view.scene.kits, f"{key} {cam} at the snap")
            los = los_mask(img)
            rows, cols = np.flatnonzero(los.any(1)), np.flatnonzero(los.any(0))
            if cam == "all22":
                assert len(rows) and cols.max() - cols.min() > 0.8 * W, f"{key}: LOS not across the all22 view"
    finally:
        close_play(view)


@pytest.mark.shared_data
@pytest.mark.parametrize("key,event", [("2018092306:3553", "ball_snap"), ("2018100707:1113", "ball_snap"),
                                       ("2018092311:141", "pass_forward")])
def test_line_of_scrimmage_ahead_of_the_qb_view_centre(renderer, real_store, key, event):
    """The blue LOS crosses the QB's view in front of him: below the centre row (nearer than the horizon) and
    across the centre column. Under centre (141) the line is under the QB's feet at the snap, outside any
    forward view, so that play is checked after the dropback."""
    play = real_store.load(key)
    view = open_play(renderer, play, camera="qb", hud=False)
    try:
        img = render_at(view, play.event_time(event))
        los = los_mask(img)
        rows, cols = np.flatnonzero(los.any(1)), np.flatnonzero(los.any(0))
        assert len(rows), f"{key}: no line of scrimmage in the QB view at {event}"
        assert rows.min() > H / 2, f"{key}: the LOS must lie ahead on the ground, below the view centre"
        assert cols.min() < W / 2 < cols.max(), f"{key}: the LOS must cross in front of the QB"
    finally:
        close_play(view)


@pytest.mark.shared_data
def test_same_frame_renders_identically_twice(renderer, real_pass_play):
    view = open_play(renderer, real_pass_play, camera="qb")
    try:
        t = real_pass_play.event_time("pass_forward")
        a = render_at(view, t)
        render_at(view, t + 1.3)
        view.set_camera("all22")
        render_at(view, t)
        view.set_camera("qb")
        b = render_at(view, t)
        assert np.array_equal(a, b)
        assert not np.array_equal(a, render_at(view, t + 0.5)), "a different time is a different picture"
    finally:
        close_play(view)


@pytest.mark.shared_data
@pytest.mark.parametrize("camera", ["endzone", "sideline", "free"])
def test_other_cameras_show_the_play(renderer, real_pass_play, camera):
    view = open_play(renderer, real_pass_play, camera=camera, hud=False)
    try:
        img = render_at(view, real_pass_play.event_time("ball_snap"))
        assert_plausible_picture(img, view.scene.kits, f"{camera} at the snap", balanced=False)
    finally:
        close_play(view)


def test_view_projection_from_fov_tangents(renderer):
    """A headset's asymmetric frustum (OpenXR xrFov tangents) maps onto the view's lens exactly."""
    from panda3d.core import Point2, Point3

    from engine.backends.interface import FovTangents
    v = renderer.views[0]
    try:
        renderer._set_fov(v, FovTangents(left=-0.9, right=1.1, up=0.8, down=-0.7))
        p = Point2()
        assert v.lens.project(Point3(1.09, 1, 0), p) and p.x > 0.98
        assert not v.lens.project(Point3(1.11, 1, 0), p)
        assert v.lens.project(Point3(-0.89, 1, 0), p) and p.x < -0.98
        assert not v.lens.project(Point3(0, 1, 0.81), p) and v.lens.project(Point3(0, 1, -0.69), p)
    finally:
        renderer._set_fov(v, None)


def test_review_mouse_scrubs_the_timeline_and_orbits(renderer, tiny_play):
    from engine.review import ReviewController
    from replay.timebase import Timeline
    clock = [0.0]
    tl = Timeline.for_play(tiny_play, clock=lambda: clock[0])
    view = open_play(renderer, tiny_play, camera="qb", hud=True, t_range=(tl.start, tl.end))
    try:
        update_frame(view, tl.now())
        ctl = ReviewController(view, tl)
        hud = view.hud
        mid = (hud.bar_l + hud.bar_r) / 2 / hud.aspect
        ctl.drag((mid, hud.bar_y), True)
        assert np.isclose(tl.now(), (tl.start + tl.end) / 2, atol=0.05) and view.camera == "qb"
        ctl.drag((hud.bar_r / hud.aspect, hud.bar_y + 0.5), True)  # still scrubbing while the button is held
        assert np.isclose(tl.now(), tl.end, atol=0.05)
        ctl.drag(None, False)
        ctl.drag((0.0, 0.2), True)
        ctl.drag((0.2, 0.3), True)
        assert view.camera == "free"
    finally:
        close_play(view)


def test_run_loop_renders_until_the_step_stops(renderer, tiny_play):
    from engine.app import run_loop
    view = open_play(renderer, tiny_play, camera="all22", hud=False)
    try:
        times = []

        def step(dt: float) -> bool:
            times.append(dt)
            update_frame(view, 0.1 * len(times))
            return len(times) < 4

        run_loop(view, step, max_fps=200)
        assert len(times) == 4 and all(dt >= 0.004 for dt in times[1:])
    finally:
        close_play(view)


def test_same_hue_kits_are_told_apart():
    """KC red vs SF red read as one team on small figures: the defense wears white (seen on 2018092305:1338)."""
    from scenes.palette import AWAY_WHITE, play_kits
    off, dfn = play_kits("KC", "SF")
    assert dfn.primary == AWAY_WHITE and off.primary != AWAY_WHITE
    off, dfn = play_kits("KC", "SEA")  # red vs navy: both keep their colours
    assert dfn.primary != AWAY_WHITE
