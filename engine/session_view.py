"""A training rep in the review renderer: the reviewed play (`engine.training.session.review`) opened like any
play (cameras, HUD, timeline, the review marks), plus the session's marks (`scenes.session_marks`) updated every
frame, and the `qb` camera at the trainee's recorded eyes, looking where his head pointed.

    rep = load_rep_review(folder, 1, store)
    view = open_rep(renderer, rep, camera="all22")
    render_at(view, t)    # as for a play: screenshots, frames, video and the interactive window all work
"""

from __future__ import annotations

import numpy as np

from scenes.cameras import CameraPose
from scenes.review_marks import TRAIL_POINTS, TRAIL_S
from scenes.session_marks import GazeState, SessionFrame, SessionMarks

from .app import PlayView, open_play, screen_mapping
from .training.session.review import RepReview

TRAINEE_FOV_H = 90.0  # the desktop trainee's view (`engine.training.loop.DESKTOP_FOV_H`)
GAZE_HOLD_S = 0.15  # a recorded frame's gaze stays drawn this long after it (then: no frame, no gaze)


def gaze_state(rep: RepReview, t: float) -> GazeState | None:
    """The trainee's recorded eyes and gaze at `t` (the last frame at or before it), None with no frame then."""
    f = rep.frames
    k = f.index_at(t)
    if k is None or t - float(f.t[k]) > GAZE_HOLD_S:
        return None
    point = f.point[k] if np.all(np.isfinite(f.point[k])) else None
    hit = int(f.hit[k])
    col = None
    if hit:
        try:
            col = rep.play.roster.index_of(hit)
        except KeyError:
            col = None
    return GazeState(f.eye[k], f.gaze[k], f.head[k], point, col)


def trainee_pose(rep: RepReview, t: float) -> CameraPose | None:
    """The `qb` camera of a session: the recorded eye point, looking along the recorded head direction (held at
    the last frame after the frames end, as the live view was)."""
    f = rep.frames
    if not len(f.t):
        return None
    k = f.index_at(t)
    k = 0 if k is None else k
    eye = f.eye[k].astype(np.float32)
    return CameraPose(eye, eye + 10.0 * f.head[k].astype(np.float32), TRAINEE_FOV_H)


def session_frame(rep: RepReview, t: float) -> SessionFrame:
    """What the session marks show at `t`."""
    col_of = {int(n): i for i, n in enumerate(rep.play.roster.nfl_id)}
    cp = {col_of[n]: v for n, v in rep.cp_at(t).items() if n in col_of}
    ghost = rep.ghost_at(t)
    trail = None
    if ghost is not None:
        ts = np.linspace(t - TRAIL_S, t, TRAIL_POINTS)
        trail = np.stack([np.interp(ts, rep.ghost_t, rep.ghost[:, k], left=np.nan) for k in range(3)], -1)
    outcome = rep.texts["outcome"] if t >= rep.arrival_t - 1e-6 else ""
    return SessionFrame(gaze_state(rep, t), cp, ghost, trail, rep.texts["decision"], outcome)


def open_rep(renderer, rep: RepReview, *, camera: str = "qb", hud: bool = True, show_keys: bool = False,
             t_range: tuple[float, float] | None = None) -> PlayView:
    """Open rep `rep` for review in `renderer` (the review marks on, the session's marks over them)."""
    view = open_play(renderer, rep.play, camera=camera, hud=hud, show_keys=show_keys, review=True,
                     t_range=t_range or rep.t_range)
    names = list(view.scene.joint_names)
    cols = {int(n): i for i, n in enumerate(rep.play.roster.nfl_id)}
    keys = [(str(r.key), cols[r.nfl_id]) for r in rep.start.receivers if r.nfl_id in cols]
    marks = SessionMarks(keys, names.index("head_top"), renderer.aspect)
    marks.root.reparent_to(view.scene.root)
    if renderer.overlay is not None and hud:
        marks.overlay.reparent_to(renderer.overlay)
        view.overlays.append(marks.overlay)
    view.pose_override = lambda cam, t: trainee_pose(rep, t) if cam == "qb" else None

    def update(v: PlayView, t: float) -> None:
        if v.last_pose is None:
            return
        px_per_rad, to_screen = screen_mapping(v)
        hud_top = v.hud.top if v.hud is not None else -1.0
        marks.update(session_frame(rep, t), v.scene.joints, v.last_pose.eye, px_per_rad, to_screen, hud_top,
                     renderer.aspect)

    view.after_update.append(update)
    return view
