"""The app: a play in a renderer, updated from play time. Review, training sessions and the headset all build on
these two calls:

    view = open_play(renderer, play, camera="qb")   # builds the scene, attaches it, returns the handles
    update_frame(view, t)                            # pose players, ball, camera and HUD at play time t
    renderer.render()

`update_frame` is the whole per-frame Python cost of a play (a few vectorised numpy operations and a buffer
upload); the frame loop around it (`run_loop`) paces real time, reads input and stops when the backend closes.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from panda3d.core import LPoint2f, LPoint3f

from replay.field_frame import FIELD, YARD
from replay.play import Play
from scenes.cameras import (
    CAMERAS,
    DOWNFIELD_HEADING_DEG,
    STANDING_EYE_M,
    CameraPose,
    Orbit,
    camera_pose,
    headset_spot,
    line_of_scrimmage_m,
    overhead_rig,
)
from scenes.hud import Hud
from scenes.play_scene import PlayScene, build_play_scene
from scenes.pose_source import PoseSource
from scenes.review_marks import ReviewMarks

from .renderer import Renderer

BALL_HIDDEN_NEAR_EYE_M = 0.75


@dataclass
class PlayView:
    """Handles of a play shown in a renderer."""

    renderer: Renderer
    scene: PlayScene
    hud: Hud | None
    camera: str = "qb"
    orbit: Orbit = field(default_factory=Orbit)
    speed: float = 1.0
    paused: bool = False
    loop: bool = False
    last_pose: CameraPose | None = None
    marks: ReviewMarks | None = None
    # a review's own camera poses (a session's `qb` camera is the trainee's recorded eyes): (camera, t) -> pose
    pose_override: Callable[[str, float], CameraPose | None] | None = None
    after_update: list[Callable[[PlayView, float], None]] = field(default_factory=list)  # per-frame extras
    overlays: list = field(default_factory=list)  # 2D nodes of those extras (removed with the play)
    spot: np.ndarray | None = None  # a headset's rig spot for the rep (`scenes.cameras.headset_spot`)

    def set_camera(self, name: str) -> None:
        if name not in CAMERAS:
            raise ValueError(f"unknown camera {name!r}; expected one of {', '.join(CAMERAS)}")
        if name == "free" and self.camera != "free" and self.last_pose is not None:
            self.orbit = orbit_from(self.last_pose)
        self.camera = name
        hide_qb = name == "qb"  # first person, desktop or headset: the QB is the trainee, his body hidden
        self.scene.figures.set_hidden(self.scene.qb if hide_qb else None)


def orbit_from(pose: CameraPose) -> Orbit:
    """The free camera's orbit that starts where another camera is."""
    d = pose.eye - pose.target
    dist = float(np.linalg.norm(d)) or 1.0
    return Orbit(target=pose.target.astype(np.float32).copy(), azimuth=float(np.degrees(np.arctan2(d[1], d[0]))),
                 elevation=float(np.degrees(np.arcsin(np.clip(d[2] / dist, -1, 1)))), distance=dist)


def open_play(renderer: Renderer, play: Play, *, camera: str = "qb", hud: bool = True, show_keys: bool = False,
              t_range: tuple[float, float] | None = None, poses: PoseSource | None = None,
              review: bool = False) -> PlayView:
    """Build the scene of `play`, attach it (and its HUD on a mono view) to `renderer`, choose the camera.
    `review`: the reviewer's aids (target and ball carrier marked, the ball's trail and minimum size), which a
    trainee standing in the play does not get."""
    scene = build_play_scene(play, poses)
    scene.root.reparent_to(renderer.scene)
    h = None
    if hud and renderer.overlay is not None:
        h = Hud(play, renderer.aspect, t_range=t_range, show_keys=show_keys)
        h.root.reparent_to(renderer.overlay)
    orbit = Orbit(target=np.array([line_of_scrimmage_m(play), FIELD.centre_y * YARD, 0.0], np.float32))
    view = PlayView(renderer, scene, h, orbit=orbit)
    if review:
        view.marks = ReviewMarks(play, scene)
        view.marks.root.reparent_to(scene.root)
    view.set_camera(camera)
    return view


def close_play(view: PlayView) -> None:
    """Detach a play's scene and HUD from its renderer (the renderer stays open for the next play)."""
    view.scene.root.remove_node()
    if view.hud is not None:
        view.hud.root.remove_node()
    for node in view.overlays:
        node.remove_node()


def update_frame(view: PlayView, t: float) -> None:
    """Pose the play at time `t` (seconds from the snap) and place the camera; call before `renderer.render()`."""
    r = view.renderer
    if r.backend.tracked and view.camera == "qb":
        _update_headset(view, t)
    else:
        joints = view.scene.update(t)
        pose = view.pose_override(view.camera, t) if view.pose_override is not None else None
        pose = pose or camera_pose(view.camera, view.scene.play, joints, view.scene.joint_names, qb=view.scene.qb,
                                   orbit=view.orbit)
        view.last_pose = pose
        view.scene.figures.set_eye(pose.eye)
        if r.backend.tracked:  # another camera in a headset: its view from above, the trainee a giant over it
            r.place_rig(*overhead_rig(pose))
        else:
            r.look(pose.eye, pose.target, pose.fov_h)
            ball = view.scene.ball_pos
            if view.camera == "qb" and ball is not None and \
                    np.linalg.norm(ball - pose.eye) < BALL_HIDDEN_NEAR_EYE_M:
                view.scene.ball.root.hide()  # the ball in the QB's own hand, right at his eyes, would fill the view
            if view.marks is not None:
                _update_marks(view, t, pose)
    if view.hud is not None:
        view.hud.resize(r.aspect)
        view.hud.update(t, camera=view.camera, speed=view.speed, paused=view.paused, loop=view.loop)
    for extra in view.after_update:
        extra(view, t)


def _update_headset(view: PlayView, t: float) -> None:
    """The trainee's own eyes in a headset: the rig stays on the real QB's spot at the snap, facing downfield
    (no camera motion his head did not make), and the QB's figure - his shadow, the ball in his hands - stands
    where the trainee's tracked head is (`PlayScene.update`'s `qb_at`)."""
    r, scene = view.renderer, view.scene
    if view.spot is None:
        view.spot = headset_spot(scene.play, scene.qb)
    r.place_rig(view.spot, DOWNFIELD_HEADING_DEG)
    head = r.backend.head_pose()
    eye = np.array([view.spot[0], view.spot[1], STANDING_EYE_M], np.float32)
    if head is not None:
        p = r.scene.get_relative_point(r.rig, LPoint3f(*(float(v) for v in head.position)))
        eye = np.array([p[0], p[1], p[2]], np.float32)
    scene.update(t, qb_at=eye[:2])
    scene.figures.set_eye(eye)


def screen_mapping(view: PlayView) -> tuple[float, Callable[[np.ndarray], tuple[float, float] | None]]:
    """For the camera last placed: pixels per radian, and world point -> overlay coordinates (x in
    [-aspect, aspect], z in [-1, 1]; None behind the eye or off the lens)."""
    r = view.renderer
    lens = r.views[0].lens
    px_per_rad = r.px_per_rad
    cam = r.views[0].camera
    aspect = r.aspect

    def to_screen(p: np.ndarray) -> tuple[float, float] | None:
        q = cam.get_relative_point(r.scene, LPoint3f(float(p[0]), float(p[1]), float(p[2])))
        s = LPoint2f()
        if q.y <= 0 or not lens.project(q, s):
            return None
        return float(s.x) * aspect, float(s.y)

    return px_per_rad, to_screen


def to_pixels(view: PlayView, p: np.ndarray) -> tuple[int, int] | None:
    """Where world point `p` lands in view 0's picture (column, row), None when it is not in front."""
    s = screen_mapping(view)[1](p)
    if s is None:
        return None
    w, h = view.renderer.views[0].pixel_size
    return int(round((s[0] / view.renderer.aspect + 1) / 2 * w)), int(round((1 - s[1]) / 2 * h))


def _update_marks(view: PlayView, t: float, pose: CameraPose) -> None:
    """The review aids for the camera just placed: pixel scale from the lens, labels kept above the HUD band."""
    px_per_rad, to_screen = screen_mapping(view)
    hud_top = view.hud.top if view.hud is not None else -1.0
    view.marks.update(t, pose.eye, px_per_rad, to_screen, hud_top)


def render_at(view: PlayView, t: float) -> np.ndarray:
    """Render the play at time `t` and return view 0 as [H, W, 3] uint8 (for screenshots, frames and tests)."""
    update_frame(view, t)
    view.renderer.render()
    return view.renderer.screenshot()


def _finite(t: float, given: object) -> float:
    from replay.errors import QbvrError
    if not math.isfinite(t):
        raise QbvrError(f"time {given!r} is not a finite number of seconds from the snap (or an event name)")
    return t


def resolve_time(play: Play, at: str | float | None) -> float:
    """Play time of `at`: an event name (first occurrence), seconds from the snap, or None for the snap."""
    from replay.errors import QbvrError
    if at is None:
        return play.event_time("ball_snap") or 0.0
    if isinstance(at, (int, float)):
        return _finite(float(at), at)
    s = str(at).strip()
    try:
        return _finite(float(s), at)
    except ValueError:
        pass
    t = play.event_time(s)
    if t is None:
        names = sorted({e for _, e in play.events})
        raise QbvrError(f"play {play.key} has no event {s!r}; events: {', '.join(names) or 'none'}")
    return t


def run_loop(view: PlayView, step: Callable[[float], bool], *, max_fps: float = 120.0) -> None:
    """Call `step(dt)` (returns False to stop), update and render until the backend closes; paces to `max_fps`."""
    r = view.renderer
    last = time.perf_counter()
    min_dt = 1.0 / max_fps
    while not r.backend.should_close():
        now = time.perf_counter()
        dt = now - last
        if dt < min_dt:
            time.sleep(min_dt - dt)
            now = time.perf_counter()
            dt = now - last
        last = now
        if not step(dt):
            break
        r.render()
