"""The `qbvr` command line. Each command lives in its own module under `engine.commands` and registers
itself here; errors meant for users are printed as one clear message, never a traceback."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from replay.errors import QbvrError

# Command modules, in the order `qbvr --help` lists them. Each has `register(subparsers)`.
COMMAND_MODULES = [
    "engine.commands.data",
    "engine.commands.plays",
    "engine.commands.skeleton",
    "engine.commands.drill",
    "engine.commands.train",
    "engine.commands.athletes",
    "engine.commands.demo",
    "engine.commands.review",
    "engine.commands.cp",
    "engine.commands.eval",
    "engine.commands.xr",
]

EPILOG = """examples:
  qbvr demo                                                 train the built-in drill (no NFL data needed)
  qbvr import ~/Downloads/nfl-big-data-bowl-2025.zip        import a BDB download into the play store
  qbvr plays --type pass --team KC                          list stored pass plays of one team
  qbvr info 2018092311:141                                  metadata, events, roster and quality flags
  qbvr review 2018092311:141 --camera qb                    replay it in 3D from the quarterback's eyes
  qbvr cp timeline 2018092311:141 --plot cp.png             completion probability of every receiver
  qbvr train 2018092311:141 --backend auto                  train on the real play (headset, window or offscreen)
  qbvr report SESSION_DIR                                   summary and plots of a training session
  qbvr eval continuation --horizon 2.0                      how well the play after a departure matches real plays
  qbvr plays --rushers 5+ --ttt -2.5                        find plays by situation (the situational index)
  qbvr drill new blitz --rushers 5+ --limit 6               a drill from the play finder
  qbvr train blitz --athlete "J. Doe"                       train a drill as an athlete
  qbvr progress "J. Doe" --out progress/                    the athlete's progress page and plots
  qbvr index --workers 2                                    build the index on a local Dask cluster
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qbvr", description="Quarterback VR training and replay engine: real NFL pass rushes in 3D.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a reader that went away shows up here, not as a traceback at exit
        return code
    except BrokenPipeError:
        # `qbvr plays | head`: the reader has what it wanted; stop quietly, as other Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except QbvrError as e:
        print(f"qbvr: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # a full disk, a read-only or missing folder, a directory where a file goes: one line
        where = f"{e.filename}: " if e.filename else ""
        print(f"qbvr: error: {where}{e.strerror or e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("qbvr: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
