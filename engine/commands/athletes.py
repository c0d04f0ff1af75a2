"""`qbvr athletes`, `qbvr sessions`, `qbvr progress`: who trains, what they trained, how they progress."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from engine.training.launch import default_sessions_dir
from replay.errors import QbvrError


def _sessions_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sessions", type=Path, metavar="DIR", default=None,
                   help=f"sessions directory (default: $QBVR_SESSIONS, else {default_sessions_dir()})")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("athletes", help="the athletes trained with --athlete, with their session counts",
                       description="List athletes (added by `qbvr train ... --athlete NAME`) and their sessions.")
    p.add_argument("--json", action="store_true")
    _sessions_arg(p)
    p.set_defaults(func=run_athletes)
    p = sub.add_parser("sessions", help="training sessions, optionally of one athlete",
                       description="List recorded training sessions with their totals.")
    p.add_argument("--athlete", metavar="NAME")
    p.add_argument("--json", action="store_true")
    _sessions_arg(p)
    p.set_defaults(func=run_sessions)
    p = sub.add_parser("progress", help="an athlete's progress: HTML page and PNG plots over sessions and reps",
                       description="Write a self-contained HTML page (open it from disk, no server) with plots over "
                       "the athlete's sessions and reps: decision time, best-choice rate, CP chosen vs best, eyes "
                       "downfield, reads, sacks, and per-play comparisons of repeated drill plays.",
                       epilog="example: qbvr progress 'J. Doe' --out progress/ && xdg-open progress/index.html")
    p.add_argument("athlete", metavar="ATHLETE")
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="output directory (default: ./progress-ATHLETE)")
    _sessions_arg(p)
    p.set_defaults(func=run_progress)


def run_athletes(args: argparse.Namespace) -> int:
    from engine.coach.athletes import find_sessions, read_athletes
    known = read_athletes()
    sessions = find_sessions(args.sessions or default_sessions_dir())
    rows = []
    for name, rec in sorted(known.items()):
        mine = [s for s in sessions if (s.athlete or "").lower() == name.lower()]
        rows.append({"athlete": name, "created": rec.get("created"), "sessions": len(mine),
                     "reps": sum(len(s.summary.get("reps") or []) for s in mine),
                     "last": mine[-1].started if mine else None})
    if args.json:
        json.dump(rows, sys.stdout, indent=1)
        print()
        return 0
    if not rows:
        print("no athletes yet: train with `qbvr train TARGET --athlete NAME`")
    for r in rows:
        print(f"{r['athlete']:<28} {r['sessions']:>3} sessions {r['reps']:>4} reps  last {r['last'] or '-'}")
    return 0


def run_sessions(args: argparse.Namespace) -> int:
    from engine.coach.athletes import find_sessions, known_athlete
    who = known_athlete(args.athlete) if args.athlete else None
    rows = [s.row() for s in find_sessions(args.sessions or default_sessions_dir(), who)]
    if args.json:
        json.dump(rows, sys.stdout, indent=1)
        print()
        return 0
    if not rows:
        print("no sessions" + (f" of {who}" if who else ""))
        return 0
    print(f"{'session':<44} {'athlete':<16} {'reps':>4} {'thr':>3} {'best':>4} {'sack':>4} {'dec s':>5}  target")
    for r in rows:
        dec = "-" if r["mean_decision_t"] is None else f"{r['mean_decision_t']:.2f}"
        print(f"{r['session']:<44} {(r['athlete'] or '-'):<16} {r['reps'] or 0:>4} {r['throws'] or 0:>3} "
              f"{r['best_choice'] or 0:>4} {r['sacks'] or 0:>4} {dec:>5}  {r['target']}")
    return 0


def run_progress(args: argparse.Namespace) -> int:
    from engine.coach.athletes import find_sessions, known_athlete
    from engine.coach.progress import write_progress
    who = known_athlete(args.athlete)
    sessions = find_sessions(args.sessions or default_sessions_dir(), who)
    if not sessions:
        raise QbvrError(f"{who} has no sessions under {args.sessions or default_sessions_dir()}")
    out = args.out or Path(f"progress-{''.join(c if c.isalnum() else '-' for c in who)}")
    page, plots = write_progress(who, sessions, out)
    print(f"progress of {who}: {len(sessions)} sessions -> {page} ({len(plots)} plots)")
    return 0
