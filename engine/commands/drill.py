"""`qbvr drill`: drills as a coach writes them - made from plays or from the play finder's filters, edited play
by play (notes, reps, mirror, speed, start and end), checked against the store, exported and imported. Drills
live in the user data directory and are found by name (`scenes.drills`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from replay.errors import QbvrError

from .data import add_store_arg
from .plays import add_filter_args, filter_values

DEFAULT_LIMIT = 10


def _event_or_seconds(text: str) -> str | float:
    try:
        return float(text)
    except ValueError:
        return text.strip()


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("drill", help="build drills: plays by key or by situation, mirrored, slowed, repeated",
                       description="Make and edit drills (named lists of plays to train with `qbvr train NAME`).",
                       epilog="examples:\n  qbvr drill new blitz --rushers 5+ --ttt -2.5 --limit 6\n"
                       "  qbvr drill add blitz 2018092311:141 --mirror --speed 0.8 --reps 2 --note 'hot route'\n"
                       "  qbvr drill check blitz\n  qbvr train blitz --athlete 'J. Doe'",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    ds = p.add_subparsers(dest="drill_command", metavar="ACTION", required=True)
    q = ds.add_parser("new", help="a new drill from plays, or from play-finder filters")
    q.add_argument("name")
    q.add_argument("plays", nargs="*", metavar="PLAY", help="GAMEID:PLAYID or synthetic:NAME")
    q.add_argument("--title")
    q.add_argument("--order", choices=("fixed", "shuffle"), default="fixed", help="rep order (default fixed)")
    q.add_argument("--limit", type=int, metavar="N", help=f"with filters: at most N plays (default {DEFAULT_LIMIT})")
    q.add_argument("--sort", metavar="FIELD", help="with filters: take the first plays by this index field")
    q.add_argument("--force", action="store_true", help="replace a drill of that name")
    add_filter_args(q)
    add_store_arg(q)
    q = ds.add_parser("add", help="add a play to a drill, with its options")
    q.add_argument("name")
    q.add_argument("play", metavar="PLAY")
    q.add_argument("--note", default="", help="shown to the trainee")
    q.add_argument("--reps", type=int, default=1, help="times the play is trained (1-20)")
    q.add_argument("--mirror", action="store_true", help="flip the play left-right")
    q.add_argument("--speed", type=float, default=1.0, help="play clock factor 0.5-1.5 (0.5: half speed)")
    q.add_argument("--from", dest="start", type=_event_or_seconds, metavar="EVENT|S",
                   help="the rep starts at this event or second (at or before the snap, e.g. -2 or line_set)")
    q.add_argument("--to", dest="end", type=_event_or_seconds, metavar="EVENT|S",
                   help="the rep ends at this event or second after the snap (e.g. pass_forward or 4.5)")
    q.add_argument("--lead", type=float, metavar="S", help="seconds shown before the snap (0-10)")
    q.add_argument("--order", choices=("fixed", "shuffle"), help="also set the drill's rep order")
    add_store_arg(q)
    q = ds.add_parser("remove", help="remove a play (by key, every entry; or by position, 1-based)")
    q.add_argument("name")
    q.add_argument("play", metavar="PLAY|N")
    q = ds.add_parser("show", help="a drill's plays and options")
    q.add_argument("name")
    q.add_argument("--json", action="store_true", help="the drill file as JSON")
    ds.add_parser("list", help="every drill, the user's and the built-in ones")
    q = ds.add_parser("check", help="every play is in the store and every option valid for it")
    q.add_argument("name")
    add_store_arg(q)
    q = ds.add_parser("export", help="write a drill to a JSON file")
    q.add_argument("name")
    q.add_argument("out", type=Path, metavar="OUT.json")
    q = ds.add_parser("import", help="add a drill from a JSON file (checked) to the user's drills")
    q.add_argument("file", type=Path, metavar="FILE")
    q.add_argument("--name", help="store it under this name (default: the name in the file)")
    q.add_argument("--force", action="store_true", help="replace a drill of that name")
    p.set_defaults(func=run_drill)


def run_drill(args: argparse.Namespace) -> int:
    return ACTIONS[args.drill_command](args)


def _user_drill(name: str):
    """A drill of the user's (built-in drills are read-only)."""
    from scenes.drills import check_name, load_drill, user_drills_dir
    check_name(name)
    if not (user_drills_dir() / f"{name}.json").exists():
        load_drill(name)  # no such drill at all: the error lists the drills there are
        raise QbvrError(f"drill {name!r} is built in and read-only; copy it: qbvr drill export {name} {name}.json "
                        f"&& qbvr drill import {name}.json --name my-{name}")
    return load_drill(name)


def _refuse_existing(name: str, force: bool) -> None:
    from scenes.drills import check_name, user_drills_dir
    if (user_drills_dir() / f"{check_name(name)}.json").exists() and not force:
        raise QbvrError(f"drill {name!r} exists; use --force to replace it, or `qbvr drill add` to extend it")


def run_new(args: argparse.Namespace) -> int:
    from replay.store import PlayStore
    from scenes.drills import Drill, DrillPlay, is_play_ref, save_drill

    _refuse_existing(args.name, args.force)
    values = filter_values(args)
    filtering = any(v not in (None, False) for v in values.values()) or args.play_type or args.team
    if args.plays and filtering:
        raise QbvrError("give plays or filters, not both")
    refs = list(args.plays)
    for r in refs:
        if not is_play_ref(r) or "@" in r:
            raise QbvrError(f"{r!r} is not a play (GAMEID:PLAYID or synthetic:NAME)")
    if not refs:
        if not filtering:
            raise QbvrError("give plays (GAMEID:PLAYID ...) or play-finder filters (e.g. --rushers 5+)")
        from .plays import find
        hits = find(PlayStore(args.store), values, play_type=args.play_type, team=args.team, dropbacks=True,
                    sort=args.sort, limit=None)
        refs = [h["key"] for h in hits if not h.get("trick_play")][:args.limit or DEFAULT_LIMIT]
        if not refs:
            raise QbvrError("no dropback in the store matches those filters")
    drill = Drill(args.name, args.title or args.name, [DrillPlay(r) for r in refs], order=args.order)
    path = save_drill(drill)
    print(f"drill {args.name}: {len(refs)} plays -> {path}")
    return 0


def run_add(args: argparse.Namespace) -> int:
    from scenes.drills import DrillPlay, parse_drill, save_drill

    drill = _user_drill(args.name)
    item = DrillPlay(args.play, args.note, args.lead, args.reps, args.mirror, args.speed, args.start, args.end)
    doc = drill.to_doc()
    doc["plays"].append(item.to_doc())
    if args.order:
        doc["order"] = args.order
    checked = parse_drill(doc, f"drill {args.name}")  # every option checked the way the file is read
    _check_play(checked.plays[-1], args.store)
    save_drill(checked)
    print(f"drill {args.name}: added {args.play} ({_options(checked.plays[-1])}); {len(checked.plays)} plays")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from scenes.drills import save_drill

    drill = _user_drill(args.name)
    if args.play.isdigit():
        k = int(args.play)
        if not 1 <= k <= len(drill.plays):
            raise QbvrError(f"drill {args.name} has plays 1-{len(drill.plays)}, not {k}")
        gone = [drill.plays.pop(k - 1)]
    else:
        gone = [p for p in drill.plays if p.ref == args.play]
        if not gone:
            raise QbvrError(f"drill {args.name} has no play {args.play}; it has "
                            + ", ".join(dict.fromkeys(p.ref for p in drill.plays)))
        drill.plays = [p for p in drill.plays if p.ref != args.play]
    if not drill.plays:
        raise QbvrError(f"that would leave drill {args.name} empty; add a play first or delete the file")
    save_drill(drill)
    print(f"drill {args.name}: removed {len(gone)} ({gone[0].ref}); {len(drill.plays)} plays left")
    return 0


def _options(p) -> str:
    opts = [f"x{p.reps}" if p.reps != 1 else "", "mirror" if p.mirror else "",
            f"speed {p.speed:g}" if p.speed != 1.0 else "", f"from {p.start}" if p.start is not None else "",
            f"to {p.end}" if p.end is not None else "", f"lead {p.lead_s:g} s" if p.lead_s is not None else ""]
    return ", ".join(o for o in opts if o) or "as played"


def run_show(args: argparse.Namespace) -> int:
    from scenes.drills import load_drill
    drill = load_drill(args.name)
    if args.json:
        json.dump(drill.to_doc(), sys.stdout, indent=1)
        print()
        return 0
    print(f"drill {drill.name}: {drill.title}  ({drill.path})")
    print(f"  order {drill.order}; {sum(p.reps for p in drill.plays)} reps"
          + ("; trick plays trained" if drill.trick_plays else ""))
    for k, p in enumerate(drill.plays, 1):
        print(f"  {k:>2}. {p.ref:<24} {_options(p):<36} {p.note}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from scenes.drills import list_drills, load_drill
    for name in list_drills():
        try:
            d = load_drill(name)
            print(f"{name:<24} {len(d.plays):>3} plays  {d.title}")
        except QbvrError as e:
            print(f"{name:<24} unreadable: {e}")
    return 0


def _check_play(item, store_dir: str | None) -> None:
    from engine.training.launch import plan_for_drill_play
    from replay.store import PlayStore
    plan_for_drill_play(item, PlayStore(store_dir))


def run_check(args: argparse.Namespace) -> int:
    from scenes.drills import load_drill
    drill = load_drill(args.name)
    problems: list[str] = []
    for k, item in enumerate(drill.plays, 1):
        try:
            _check_play(item, args.store)
        except QbvrError as e:
            problems.append(f"  {k:>2}. {item.ref}: {e}")
    if problems:
        print(f"drill {drill.name}: {len(problems)} of {len(drill.plays)} plays cannot be trained:")
        print("\n".join(problems))
        return 1
    print(f"drill {drill.name}: all {len(drill.plays)} plays are in the store and every option is valid")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from scenes.drills import load_drill, save_drill
    drill = load_drill(args.name)
    save_drill(drill, args.out)
    print(f"drill {drill.name} -> {args.out}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from scenes.drills import check_name, parse_drill, save_drill
    try:
        doc: Any = json.loads(args.file.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise QbvrError(f"{args.file}: cannot read the drill ({e})") from None
    drill = parse_drill(doc, str(args.file))
    drill.name = check_name(args.name or drill.name)
    _refuse_existing(drill.name, args.force)
    path = save_drill(drill)
    print(f"drill {drill.name}: {len(drill.plays)} plays imported -> {path}")
    return 0


ACTIONS = {"new": run_new, "add": run_add, "remove": run_remove, "show": run_show, "list": run_list,
           "check": run_check, "export": run_export, "import": run_import}
