"""`qbvr train` and `qbvr report`: train a quarterback on a real play or a drill, and report on a session."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from engine.training.launch import BACKENDS, default_sessions_dir
from replay.errors import QbvrError

from .argtypes import non_negative_float, out_dir, positive_float
from .data import add_store_arg


def parse_size(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{2,5})x(\d{2,5})", text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"size {text!r} is not WIDTHxHEIGHT (e.g. 1280x720)")
    return int(m.group(1)), int(m.group(2))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train on a real play or a drill: gaze, decision timing and CP scoring",
                       description="Stand at the real quarterback's eyes and play the rep from a few seconds before "
                       "the snap. Throw by clicking a receiver or pressing the number shown above him (desktop), "
                       "with the arm or the trigger (headset, --throw), or by script (--trainee scripted:SPEC). "
                       "Hold the ball until the real pressure arrives and it is a sack. After each rep a result "
                       "screen (outcome, decision time, CP against the best and the real QB's choice) and an instant "
                       "replay of the last 3 s from above (space or a click skips it; in a headset the trigger or the "
                       "menu button). In a headset you stand on the real QB's spot at the snap (only your head moves "
                       "you); between reps a panel shows the last result: pull the trigger when set (that stance "
                       "becomes the QB's spot); the menu button (A on Index) pauses. Writes a session directory "
                       "(append-only stream, summary.json) and its report.",
                       epilog="SPEC: comma-separated WHO@T (look at WHO from T s after the snap) and throw=WHO@T; WHO "
                       "is a receiver key 1-9, #JERSEY, id:NFLID, downfield, rush or pocket. Example: "
                       "qbvr train 2018092311:141 --backend offscreen --trainee scripted:1@0.3,2@0.8,throw=2@2.4")
    p.add_argument("target", metavar="GAMEID:PLAYID|DRILL",
                   help="a stored play, a drill name (e.g. builtin) or drill file, or synthetic:NAME")
    p.add_argument("--backend", choices=BACKENDS, default="auto",
                   help="auto: a headset if an OpenXR runtime answers, else a desktop window, else offscreen")
    p.add_argument("--trainee", default=None, metavar="KIND",
                   help="scripted[:SPEC] or desktop (default: desktop on a window, scripted offscreen)")
    p.add_argument("--out", type=out_dir, default=None, metavar="DIR",
                   help=f"session directory (default: a new one under $QBVR_SESSIONS, else {default_sessions_dir()})")
    p.add_argument("--size", type=parse_size, default=None, metavar="WxH",
                   help="window / buffer size (default 1280x720 on a desktop, 960x540 offscreen)")
    p.add_argument("--fps", type=positive_float, default=60.0, help="offscreen: frames per play second (default 60)")
    p.add_argument("--realtime", action="store_true",
                   help="offscreen: hold frames back to real time (default: as fast as it renders)")
    p.add_argument("--throw", choices=("motion", "trigger"), default="motion",
                   help="headset: motion (default) - hold the trigger or grip, swing the arm forward and let go; the "
                   "ball goes toward the receiver nearest the release direction. trigger - a trigger pull throws "
                   "at the receiver the controller points at")
    p.add_argument("--lead", type=non_negative_float, default=None, metavar="S",
                   help="seconds shown before the snap (default 3)")
    p.add_argument("--no-report", action="store_true", help="do not draw the report plots")
    p.add_argument("--athlete", metavar="NAME", help="the athlete training (added on first use; see qbvr athletes, "
                   "qbvr sessions, qbvr progress)")
    add_store_arg(p)
    p.set_defaults(func=run_train)

    p = sub.add_parser("report", help="a training session's summary and plots (recovers interrupted sessions)",
                       description="Print a session's summary and draw its plots (gaze target over time, CP "
                       "timelines with the decision marked, top-down gaze map) as PNGs. The summary is recomputed "
                       "from the recorded stream, so a session killed mid-rep still reports what it recorded.")
    p.add_argument("session", type=Path, metavar="SESSION")
    p.add_argument("--out", type=out_dir, default=None, metavar="DIR", help="plot directory (default: SESSION/report)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    add_store_arg(p)
    p.set_defaults(func=run_report)


def run_train(args: argparse.Namespace) -> int:
    from engine.training.launch import train
    from engine.training.session.summary import summary_text
    res = train(args.target, backend=args.backend, trainee=args.trainee, out=args.out, size=args.size, fps=args.fps,
                realtime=args.realtime, lead=args.lead, store=args.store, report=not args.no_report,
                say=lambda line: print(line, file=sys.stderr), throw=args.throw, athlete=args.athlete)
    print(summary_text(res.summary))
    print(f"session: {res.directory}  ({res.frames} frames in {res.wall_s:.1f} s, {res.fps:.0f} fps)")
    if res.report:
        print(f"report:  {res.report[0].parent} ({len(res.report)} plots)")
    if res.stopped:
        print(f"error: the headset session ended early: {res.stopped}. Everything recorded until then is saved in "
              f"{res.directory}", file=sys.stderr)
        return 1
    return 0


def run_report(args: argparse.Namespace) -> int:
    import json

    from engine.training.session.report import write_report
    from engine.training.session.stream import read_stream, read_summary, write_summary
    from engine.training.session.summary import summarize, summary_text
    from replay.store import PlayStore
    from scenes.drills import load_play_ref

    contents = read_stream(args.session)
    store = PlayStore(args.store)
    cache: dict[str, Any] = {}

    def load(ref: str):
        if ref not in cache:
            cache[ref] = load_play_ref(ref, store)
        return cache[ref]

    summary = summarize(contents, load)
    try:
        stored = read_summary(args.session)
    except QbvrError as e:
        print(f"warning: {e}; rewritten from the stream", file=sys.stderr)
        stored = None
    if stored != json.loads(json.dumps(summary, default=str)) and Path(args.session).is_dir():
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
