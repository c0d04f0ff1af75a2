"""`qbvr train` and `qbvr report`: train a quarterback on a real play or a drill, and report on a session."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from replay.errors import QbvrError

from replay.store import user_data_dir

from .data import add_store_arg

BACKENDS = ("auto", "xr", "desktop", "offscreen")


def default_sessions_dir() -> Path:
    """`$QBVR_SESSIONS`, else the per-user data directory (`$XDG_DATA_HOME/qbvr/sessions`)."""
    return user_data_dir("QBVR_SESSIONS", "sessions")


def parse_size(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{2,5})x(\d{2,5})", text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"size {text!r} is not WIDTHxHEIGHT (e.g. 1280x720)")
    return int(m.group(1)), int(m.group(2))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train on a real play or a drill: gaze, decision timing and CP scoring",
                       description="Stand at the real quarterback's eyes and play the rep from a few seconds before "
                       "the snap. Throw by clicking a receiver or pressing the number shown above him (desktop), "
                       "with the trigger (headset), or by script (--trainee scripted:SPEC). Hold the ball until the "
                       "real pressure arrives and it is a sack. Writes a session directory (append-only stream, "
                       "summary.json) and its report.",
                       epilog="SPEC: comma-separated WHO@T (look at WHO from T s after the snap) and throw=WHO@T; WHO "
                       "is a receiver key 1-9, #JERSEY, id:NFLID, downfield, rush or pocket. Example: "
                       "qbvr train 2018092311:141 --backend offscreen --trainee scripted:1@0.3,2@0.8,throw=2@2.4")
    p.add_argument("target", metavar="GAMEID:PLAYID|DRILL",
                   help="a stored play, a drill name (e.g. builtin) or drill file, or synthetic:NAME")
    p.add_argument("--backend", choices=BACKENDS, default="auto",
                   help="auto: a headset if an OpenXR runtime answers, else a desktop window, else offscreen")
    p.add_argument("--trainee", default=None, metavar="KIND",
                   help="scripted[:SPEC] or desktop (default: desktop on a window, scripted offscreen)")
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help=f"session directory (default: a new one under $QBVR_SESSIONS, else {default_sessions_dir()})")
    p.add_argument("--size", type=parse_size, default=None, metavar="WxH",
                   help="window / buffer size (default 1280x720 on a desktop, 960x540 offscreen)")
    p.add_argument("--fps", type=float, default=60.0, help="offscreen: frames per play second (default 60)")
    p.add_argument("--realtime", action="store_true",
                   help="offscreen: hold frames back to real time (default: as fast as it renders)")
    p.add_argument("--lead", type=float, default=None, metavar="S", help="seconds shown before the snap (default 3)")
    p.add_argument("--no-report", action="store_true", help="do not draw the report plots")
    add_store_arg(p)
    p.set_defaults(func=run_train)

    p = sub.add_parser("report", help="a training session's summary and plots (recovers interrupted sessions)",
                       description="Print a session's summary and draw its plots (gaze target over time, CP "
                       "timelines with the decision marked, top-down gaze map) as PNGs. The summary is recomputed "
                       "from the recorded stream, so a session killed mid-rep still reports what it recorded.")
    p.add_argument("session", type=Path, metavar="SESSION")
    p.add_argument("--out", type=Path, default=None, metavar="DIR", help="plot directory (default: SESSION/report)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    add_store_arg(p)
    p.set_defaults(func=run_report)


# ----------------------------------------------------------------- what to train

def plans_for(target: str, store_dir: str | None, lead: float | None):
    """The reps of a target: one play (`GAMEID:PLAYID`, `synthetic:NAME`) or every play of a drill."""
    from replay.store import PlayStore
    from scenes.drills import drill_path, is_play_ref, load_drill, load_play_ref

    from engine.training.loop import DEFAULT_LEAD_S, RepPlan

    store = PlayStore(store_dir)
    if is_play_ref(target) and drill_path(target) is None:
        refs = [(target, "", None)]
    else:
        drill = load_drill(target)
        refs = [(p.ref, p.note, p.lead_s) for p in drill.plays]
    plans = []
    for ref, note, lead_s in refs:
        play = load_play_ref(ref, store)
        if play.event_frame("ball_snap") is None:
            raise QbvrError(f"play {play.key} has no snap to train from")
        plans.append(RepPlan(ref, play, note, lead if lead is not None else lead_s or DEFAULT_LEAD_S))
    return plans, store


def choose_backend(name: str, *, say=None) -> str:
    """The backend `auto` resolves to: a headset when an OpenXR runtime answers, else a window, else offscreen.
    `say(line)` hears one line on why the headset was skipped."""
    if name != "auto":
        return name
    from engine.backends.panda_display import display_available
    try:
        from engine.xr.runtime import probe_runtime
        probe = probe_runtime()
        if probe.ok:
            return "xr"
        reason = probe.reason
    except Exception as e:  # noqa: BLE001 - a broken runtime must not stop a desktop or headless session
        reason = f"the OpenXR probe failed: {type(e).__name__}: {e}"
    chosen = "desktop" if display_available() else "offscreen"
    if say is not None:
        say(f"no headset ({reason}): running the {'desktop window' if chosen == 'desktop' else 'offscreen backend'}")
    return chosen


def open_training(backend: str, trainee_arg: str | None, size: tuple[int, int] | None, fps: float, realtime: bool,
                  title: str):
    """Renderer, trainee and frame clock for a backend."""
    from engine.backends.interface import DisplayUnavailable
    from engine.backends.panda_display import PandaDisplay
    from engine.renderer import Renderer
    from engine.training.trainee import DesktopTrainee, ScriptedTrainee
    from engine.training.loop import FixedStepClock, RealTimeClock

    kind = trainee_arg or ("desktop" if backend == "desktop" else "headset" if backend == "xr" else "scripted")
    if backend == "xr":
        from engine.xr.runtime import INSTALL_HINT, probe_runtime
        probe = probe_runtime()
        if not probe.ok:
            raise DisplayUnavailable(f"no headset: {probe.reason}; {INSTALL_HINT} (or use --backend desktop or "
                                     "offscreen)")
        from engine.xr.headset import HeadsetBackend
        from engine.xr.openxr_driver import OpenXRDriver
        from engine.xr.trainee import HeadsetTrainee

        from engine.training.loop import HeadsetClock
        hb = HeadsetBackend(OpenXRDriver(title=title))
        renderer = Renderer(hb)
        trainee = HeadsetTrainee(hb, renderer.rig, renderer.scene) if kind == "headset" else None
        clock = HeadsetClock(hb)
    else:
        mode = "window" if backend == "desktop" else "offscreen"
        size = size or ((1280, 720) if mode == "window" else (960, 540))
        renderer = Renderer(PandaDisplay(mode, size, title=title))
        trainee = None
        if kind == "desktop":
            if renderer.backend.window is None:
                renderer.close()
                raise QbvrError("--trainee desktop needs a desktop window (--backend desktop)")
            trainee = DesktopTrainee(renderer.backend.window)
        clock = RealTimeClock() if mode == "window" else FixedStepClock(fps, pace=realtime)
    if trainee is None:
        if not kind.startswith("scripted"):
            renderer.close()
            raise QbvrError(f"--trainee {kind!r} is not scripted[:SPEC], desktop"
                            + (" or headset" if backend == "xr" else ""))
        spec = kind.split(":", 1)[1] if ":" in kind else None
        trainee = ScriptedTrainee(spec)
    return renderer, trainee, clock


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "session"


def train(target: str, *, backend: str = "auto", trainee: str | None = None, out: Path | None = None,
          size: tuple[int, int] | None = None, fps: float = 60.0, realtime: bool = False, lead: float | None = None,
          store: str | None = None, report: bool = True) -> dict[str, Any]:
    """Run a whole training session; returns the summary, the session directory and the report's files."""
    from engine.training.session.stream import read_stream
    from engine.training.session.report import write_report
    from engine.training.loop import run_session
    from engine.training.trainee import parse_spec

    if trainee and trainee.startswith("scripted:"):
        parse_spec(trainee.split(":", 1)[1])  # a bad SPEC fails before any window opens
    plans, play_store = plans_for(target, store, lead)
    if trainee and trainee.startswith("scripted:"):
        from engine.training.trainee import ScriptedTrainee
        from engine.training.loop import rep_setup
        check = ScriptedTrainee(trainee.split(":", 1)[1])
        for plan in plans:  # receivers the SPEC names must exist in every play, before any window opens
            check.begin_rep(rep_setup(plan.play, plan.lead_s)[0])
    from engine.backends.interface import DisplayUnavailable

    auto = backend == "auto"
    backend = choose_backend(backend, say=lambda line: print(line, file=sys.stderr))
    out = out or default_sessions_dir() / f"{datetime.now(timezone.utc):%Y%m%d-%H%M%S}-{_slug(target)}"
    try:
        renderer, tr, clock = open_training(backend, trainee, size, fps, realtime, f"qbvr train {target}")
    except DisplayUnavailable as e:
        if not (auto and backend == "xr"):
            raise
        from engine.backends.panda_display import display_available
        backend = "desktop" if display_available() else "offscreen"  # the runtime answered, the session failed
        print(f"no headset ({e}): running the {'desktop window' if backend == 'desktop' else 'offscreen backend'}",
              file=sys.stderr)
        renderer, tr, clock = open_training(backend, trainee, size, fps, realtime, f"qbvr train {target}")
    try:
        result = run_session(plans, renderer, tr, out, clock=clock, target=target, backend_name=backend)
    finally:
        renderer.close()
    paths = []
    if report:
        plays = {p.ref: p.play for p in plans}
        paths = write_report(result.summary, read_stream(out), plays.__getitem__, out / "report")
    return {"summary": result.summary, "directory": out, "report": paths, "frames": result.frames,
            "wall_s": result.wall_s, "fps": result.fps}


def run_train(args: argparse.Namespace) -> int:
    from engine.training.session.summary import summary_text
    res = train(args.target, backend=args.backend, trainee=args.trainee, out=args.out, size=args.size, fps=args.fps,
                realtime=args.realtime, lead=args.lead, store=args.store, report=not args.no_report)
    print(summary_text(res["summary"]))
    print(f"session: {res['directory']}  ({res['frames']} frames in {res['wall_s']:.1f} s, {res['fps']:.0f} fps)")
    if res["report"]:
        print(f"report:  {res['report'][0].parent} ({len(res['report'])} plots)")
    return 0


def run_report(args: argparse.Namespace) -> int:
    import json

    from replay.store import PlayStore
    from scenes.drills import load_play_ref

    from engine.training.session.stream import read_stream, read_summary, write_summary
    from engine.training.session.report import write_report
    from engine.training.session.summary import summarize, summary_text

    contents = read_stream(args.session)
    store = PlayStore(args.store)
    cache: dict[str, Any] = {}

    def load(ref: str):
        if ref not in cache:
            cache[ref] = load_play_ref(ref, store)
        return cache[ref]

    summary = summarize(contents, load)
    if read_summary(args.session) != json.loads(json.dumps(summary, default=str)):
        write_summary(args.session, summary)  # written (or refreshed) from the stream
    if args.json:
        json.dump(summary, sys.stdout, indent=1, default=str)
        print()
    else:
        print(summary_text(summary))
        if contents.problem:
            print(f"stream: {contents.problem}")
    out = args.out or Path(args.session) / "report"
    paths = write_report(summary, contents, load, out)
    print(f"report: {out} ({len(paths)} plots)", file=sys.stderr if args.json else sys.stdout)
    return 0
