"""`qbvr review`: look at a stored play or a training session's rep in 3D — one screenshot, a PNG sequence, a
video, or interactively in a window."""

from __future__ import annotations

import argparse
import math
import re
import sys
from dataclasses import dataclass
from typing import Callable

from replay.errors import QbvrError
from replay.store import PlayStore, parse_key
from scenes.cameras import CAMERAS

from .argtypes import out_dir, out_file, positive_float
from .data import add_store_arg

DESCRIPTION = """Review a stored play, or a rep of a training session, in 3D.

  GAMEID:PLAYID               a play of the store (e.g. 2018092311:141)
  SESSION[:REP]               a session folder written by `qbvr train` and a rep number (default 1): the play as
                              the trainee saw it (the continuation model's players after he departed from the
                              real play), his head and gaze (a magenta cone, the player it hits ringed), the
                              receiver keys, each receiver's CP over him (red -> green), his ball and its outcome,
                              the real QB's ball as a ghost, and both decision times on top; the qb camera is
                              the trainee's recorded eyes

  --screenshot OUT.png        render one frame (at --at, default the snap) offscreen and exit
  --frames DIR --fps N        render the play (or --from/--to) as a PNG sequence DIR/frame_00000.png ...
  --video OUT.mp4 --fps N     render the play (or --from/--to) as an H.264 video (the `video` extra)
  (neither)                   open an interactive window (needs a display)

Interactive keys: space play/pause; left/right step 0.1 s (shift: 1 s); [ ] slower/faster;
1-5 camera (qb, all22, endzone, sideline, free); home back to the start (--from); L loop; esc or q quit.
Mouse: drag on the timeline to scrub; drag elsewhere to orbit (free camera); wheel to zoom.
"""

EXAMPLES = """examples:
  qbvr review 2018092311:141 --camera all22 --at pass_forward --screenshot throw.png
  qbvr review ~/.local/share/qbvr/sessions/2024-05-01_1012 --camera all22 --at 2.0 --screenshot gaze.png
  qbvr review sessions/drill1:3 --camera sideline --video rep3.mp4 --size 1280x720
  qbvr review sessions/drill1:3 --camera qb
  qbvr review 2018092311:141 --frames out/141 --fps 10 --from ball_snap --to pass_arrived
  qbvr review 2018092311:141 --camera all22 --video 141.mp4 --fps 30 --size 1280x720
  qbvr review 2018092311:141 --camera qb
"""


def parse_size(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{2,5})\s*[xX]\s*(\d{2,5})\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"size {text!r} is not WxH (e.g. 1280x720)")
    w, h = int(m.group(1)), int(m.group(2))
    if not (16 <= w <= 8192 and 16 <= h <= 8192):
        raise argparse.ArgumentTypeError(f"size {text!r} is out of range (16..8192 per side)")
    return w, h


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("review", help="look at a play or a session's rep in 3D: screenshot, frames, video, window",
                       description=DESCRIPTION, epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("key", metavar="GAMEID:PLAYID|SESSION[:REP]")
    p.add_argument("--camera", choices=CAMERAS, default="qb", help="viewpoint (default: qb)")
    p.add_argument("--at", metavar="EVENT|SECONDS", default=None,
                   help="time of the screenshot / start of the window: an event (ball_snap, pass_forward...) or "
                   "seconds from the snap (default: ball_snap)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--screenshot", metavar="OUT.png", type=out_file, help="write one frame and exit")
    out.add_argument("--frames", metavar="DIR", type=out_dir, help="write a PNG sequence and exit")
    out.add_argument("--video", metavar="OUT.mp4", type=out_file, help="write an H.264 video and exit")
    p.add_argument("--fps", type=positive_float, default=None,
                   help="frames per second of play time for --frames (default 10) and --video (default 30)")
    p.add_argument("--from", dest="t_from", metavar="EVENT|SECONDS",
                   help="start of --frames/--video (default: first frame)")
    p.add_argument("--to", dest="t_to", metavar="EVENT|SECONDS", help="end of --frames/--video (default: last frame)")
    p.add_argument("--size", type=parse_size, default=(1280, 720), metavar="WxH", help="image size (default 1280x720)")
    p.add_argument("--no-hud", action="store_true", help="no HUD or timeline in the picture")
    p.add_argument("--display", choices=("auto", "window", "offscreen"), default="auto",
                   help="where to render: a desktop window or an offscreen buffer (default: offscreen for "
                   "--screenshot/--frames, a window otherwise)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_store_arg(p)
    p.set_defaults(func=run)


def frame_times(t0: float, t1: float, fps: float) -> list[float]:
    """Play times of a PNG sequence from t0 to t1 inclusive at `fps`."""
    if not (math.isfinite(fps) and fps > 0):
        raise QbvrError(f"--fps must be a positive number, got {fps}")
    n = int(math.floor((t1 - t0) * fps + 1e-6)) + 1
    return [t0 + k / fps for k in range(max(n, 1))]


@dataclass
class Subject:
    """What is reviewed: a stored play, or a session's rep (its reviewed play and its marks)."""

    key: str
    play: object  # replay.play.Play
    t_range: tuple[float, float]  # the default --from/--to (and timeline)
    open: Callable[..., object]  # (renderer, camera=, hud=, show_keys=, t_range=) -> engine.app.PlayView


def load_subject(args: argparse.Namespace) -> Subject:
    """The play or the session rep `args.key` names; a one-line error when it is neither."""
    from engine.training.session.review import session_ref
    ref = session_ref(args.key)
    if ref is None:
        from engine.app import open_play
        parse_key(args.key)
        play = PlayStore(args.store).load(args.key)
        return Subject(play.key, play, (float(play.t[0]), float(play.t[-1])),
                       lambda r, **kw: open_play(r, play, review=True, **kw))
    from engine.session_view import open_rep
    from engine.training.session.review import load_rep_review
    rep = load_rep_review(ref[0], ref[1], PlayStore(args.store))
    return Subject(rep.key, rep.play, rep.t_range, lambda r, **kw: open_rep(r, rep, **kw))


def _time_range(subject: Subject, args: argparse.Namespace) -> tuple[float, float]:
    from engine.app import resolve_time
    t0 = resolve_time(subject.play, args.t_from) if args.t_from else subject.t_range[0]
    t1 = resolve_time(subject.play, args.t_to) if args.t_to else subject.t_range[1]
    if t1 < t0:
        raise QbvrError(f"--to ({t1:+.2f} s) is before --from ({t0:+.2f} s)")
    return t0, t1


def _render_sequence(renderer, subject: Subject, args: argparse.Namespace, fps: float,
                     write) -> tuple[int, float, float]:
    """Render the --from/--to range at `fps`, handing each frame to `write(k, rgb)`, with a progress bar."""
    from tqdm import tqdm

    from engine.app import render_at
    t0, t1 = _time_range(subject, args)
    times = frame_times(t0, t1, fps)
    view = subject.open(renderer, camera=args.camera, hud=not args.no_hud, t_range=(t0, t1))
    for k, t in enumerate(tqdm(times, desc=f"rendering {subject.key}", unit="frame", file=sys.stderr,
                               disable=args.quiet, dynamic_ncols=True)):
        write(k, render_at(view, t))
    return len(times), t0, t1


def _batch(renderer, subject: Subject, args: argparse.Namespace) -> int:
    """--screenshot, --frames or --video: render offscreen, write, report what was written."""
    from engine.app import render_at, resolve_time
    from engine.renderer import save_png
    if args.screenshot is not None:
        t = resolve_time(subject.play, args.at)
        view = subject.open(renderer, camera=args.camera, hud=not args.no_hud)
        save_png(args.screenshot, render_at(view, t))
        print(f"wrote {args.screenshot} ({args.size[0]}x{args.size[1]}, {args.camera} camera, t = {t:+.2f} s)")
        return 0
    if args.frames is not None:
        fps = args.fps or 10.0
        args.frames.mkdir(parents=True, exist_ok=True)
        n, t0, t1 = _render_sequence(renderer, subject, args, fps,
                                     lambda k, rgb: save_png(args.frames / f"frame_{k:05d}.png", rgb))
        print(f"wrote {n} frames to {args.frames} ({fps:g} fps, t = {t0:+.2f} .. {t1:+.2f} s)")
        return 0
    from engine.video import VideoWriter
    fps = args.fps or 30.0
    with VideoWriter(args.video, args.size, fps) as video:
        n, t0, t1 = _render_sequence(renderer, subject, args, fps, lambda k, rgb: video.write(rgb))
    print(f"wrote {args.video} ({n} frames, {args.size[0]}x{args.size[1]}, {fps:g} fps, H.264, "
          f"t = {t0:+.2f} .. {t1:+.2f} s)")
    return 0


def run(args: argparse.Namespace) -> int:
    from engine.app import resolve_time, update_frame
    from engine.backends.panda_display import PandaDisplay, auto_mode
    from engine.renderer import Renderer

    if args.fps is not None and not (math.isfinite(args.fps) and args.fps > 0):
        raise QbvrError(f"--fps must be a positive number, got {args.fps}")
    if args.video is not None:
        from engine.video import check_video_args
        check_video_args(args.video, args.size, args.fps or 30.0)
    subject = load_subject(args)
    batch = args.screenshot is not None or args.frames is not None or args.video is not None
    mode = args.display if args.display != "auto" else ("offscreen" if batch else auto_mode())
    if not batch and mode != "window":
        import os
        display = os.environ.get("DISPLAY")
        why = f"display {display!r} does not answer" if display else "DISPLAY is not set"
        raise QbvrError(f"interactive review needs a desktop window ({why}): use --screenshot OUT.png or --frames DIR")
    renderer = Renderer(PandaDisplay(mode, args.size, title=f"qbvr review {subject.key}"))
    try:
        if batch:
            return _batch(renderer, subject, args)
        from engine.review import review_interactive
        from replay.timebase import Timeline
        timeline = Timeline.for_play(subject.play, start=args.t_from or subject.t_range[0],
                                     end=args.t_to or subject.t_range[1])
        timeline.seek(resolve_time(subject.play, args.at))
        view = subject.open(renderer, camera=args.camera, hud=not args.no_hud, show_keys=True,
                            t_range=(timeline.start, timeline.end))
        update_frame(view, timeline.now())
        review_interactive(view, subject.play, timeline)
        return 0
    finally:
        renderer.close()
