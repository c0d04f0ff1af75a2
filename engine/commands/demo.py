"""`qbvr demo`: train the built-in drill on the best available display.

A headset when an OpenXR runtime answers, else a desktop window (mouse-look, click or number keys to throw),
else headless: offscreen with the scripted trainee (each receiver for 0.5 s, left to right, then a throw).
Prints the summary and where the session and its report are.
"""

from __future__ import annotations

import argparse
import time

from .argtypes import out_dir
from .data import add_store_arg


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="train the built-in drill on the best available display",
                       description="Train the built-in drill (three synthetic pass plays against 4-, 5- and 6-man "
                       "rushes; no NFL data needed) on the best available display: a headset, a desktop window, "
                       "or headless offscreen with a scripted trainee. Prints the summary and the report's path.")
    p.add_argument("--backend", choices=("auto", "xr", "desktop", "offscreen"), default="auto")
    p.add_argument("--out", type=out_dir, default=None, metavar="DIR", help="session directory")
    add_store_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from engine.training.launch import open_session, train
    from engine.training.session.summary import summary_text

    t0 = time.monotonic()
    with open_session(args.backend, size={"offscreen": (640, 360)}, title="qbvr demo", say=print) as session:
        print(f"qbvr demo: built-in drill on the {session.backend} backend with the {session.trainee.name} trainee ...",
              flush=True)
        res = train("builtin", session=session, out=args.out, store=args.store)
    print(summary_text(res.summary))
    print(f"session: {res.directory}")
    print(f"report:  {res.directory / 'report'} ({len(res.report)} plots)")
    print(f"done in {time.monotonic() - t0:.1f} s ({res.frames} frames at {res.fps:.0f} fps)")
    return 0
