"""`qbvr import`, `qbvr plays`, `qbvr info`: getting real plays into the store and looking at them."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from replay.store import PlayStore, default_store_dir, parse_key


def add_store_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", metavar="DIR", default=None,
                   help=f"play store directory (default: $QBVR_STORE, else {default_store_dir()})")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import tracking files (NGS highlights, BDB 2019-2026) into the play store",
                       description="Import tracking data into the play store. PATH may be a file (.csv, .tsv, .gz, "
                       ".zip), a whole BDB download (folder or zip) or a folder of NGS highlight files; the format "
                       "is detected from each table's header.")
    p.add_argument("paths", nargs="+", metavar="PATH")
    add_store_arg(p)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--force", action="store_true",
                   help="replace stored plays even with a copy whose positions are far less complete (by default "
                   "such a copy is refused and the stored one kept)")
    p.set_defaults(func=run_import)

    p = sub.add_parser("plays", help="list the plays in the store",
                       description="List stored plays, optionally filtered.")
    p.add_argument("--type", dest="play_type", help="pass, run, sack, kickoff, punt, ...")
    p.add_argument("--team", help="offense or defense team abbreviation, e.g. KC")
    p.add_argument("--season", type=int)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    add_store_arg(p)
    p.set_defaults(func=run_plays)

    p = sub.add_parser("info", help="metadata, events, roster and quality flags of one play",
                       description="Show one stored play: metadata, events with times from the snap, the roster "
                       "with roles, and quality flags.")
    p.add_argument("key", metavar="GAMEID:PLAYID")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    add_store_arg(p)
    p.set_defaults(func=run_info)


def run_import(args: argparse.Namespace) -> int:
    from replay.importer import import_paths  # pandas and the readers: only when importing

    store = PlayStore(args.store)
    bar = None
    if not args.quiet:
        from tqdm import tqdm
        bar = tqdm(total=1, unit="B", unit_scale=True, unit_divisor=1024, desc="importing", file=sys.stderr,
                   dynamic_ncols=True)

    def progress(done: int, total: int, plays: int) -> None:
        bar.total = total
        bar.set_postfix_str(f"{plays} plays", refresh=False)
        bar.update(done - bar.n)  # tqdm throttles redraws itself

    try:
        result = import_paths(args.paths, store, progress=progress if bar is not None else None, force=args.force)
    finally:
        if bar is not None:
            bar.close()
    imported = len(result.imported)
    print(f"imported {imported} plays from {result.files} tracking files into {store.root}")
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if result.ignored:
        print(f"ignored {len(result.ignored)} files that are not tracking or play tables: "
              + ", ".join(what for what, _ in result.ignored[:5]) + (" ..." if len(result.ignored) > 5 else ""))
    if result.skipped:
        print(f"skipped {len(result.skipped)}:")
        for what, why in result.skipped:
            print(f"  {what}: {why}")
    if result.stopped:
        print(f"qbvr: error: {result.stopped}", file=sys.stderr)
        return 2
    return 0 if result.ok else 1


def _matches(s: dict[str, Any], args: argparse.Namespace) -> bool:
    if args.play_type and s.get("play_type") != args.play_type:
        return False
    if args.team and args.team.upper() not in (s.get("offense_team"), s.get("defense_team")):
        return False
    if args.season and s.get("season") != args.season:
        return False
    return True


def run_plays(args: argparse.Namespace) -> int:
    store = PlayStore(args.store)
    index = store.index()
    rows = [{k: v for k, v in s.items() if k != "file"}  # the file stamp is the index's own bookkeeping
            for s in sorted(index.values(), key=lambda s: (s["game_id"], s["play_id"])) if _matches(s, args)]
    for problem in store.problems:
        print(f"warning: {problem}", file=sys.stderr)
    if args.json:
        json.dump(rows, sys.stdout, indent=1)
        print()
        return 0
    if not rows:
        print(f"no plays match in {store.root}" + ("" if index else " (the store is empty: run `qbvr import`)"))
        return 0
    print(f"{'play':<17} {'season':>6} {'wk':>3} {'off':>4} {'def':>4} {'type':<9} {'res':<3} description")
    for s in rows:
        desc = (s.get("description") or "")[:70]
        print(f"{s['key']:<17} {s.get('season') or '':>6} {s.get('week') or '':>3} {s.get('offense_team') or '':>4} "
              f"{s.get('defense_team') or '':>4} {s.get('play_type') or '':<9} {s.get('pass_result') or '':<3} {desc}")
    print(f"{len(rows)} plays")
    return 0


def _roster(play) -> list[dict[str, Any]]:
    """Roster rows with each player's size as motion and figures use it, and where it came from."""
    from replay.player_sizes import play_sizes
    h, w, source = play_sizes(play)
    rows = list(play.roster.players())
    for row, hi, wi, src in zip(rows, h, w, source):
        row["height_m"] = round(float(hi), 3) if hi == hi else None
        row["weight_kg"] = round(float(wi), 1) if wi == wi else None
        row["size_source"] = src
    return rows


def play_info(play) -> dict[str, Any]:
    """Everything `qbvr info` shows, as plain data."""
    return {
        "meta": play.meta.to_dict(),
        "frames": play.n_frames,
        "time_range_s": [round(float(play.t[0]), 2), round(float(play.t[-1]), 2)],
        "events": [{"t": round(t, 2), "frame": int(play.frame_id[i]), "event": e}
                   for (i, e), (t, _) in zip(play.events, play.event_times())],
        "roster": _roster(play),
        "flags": play.flags,
    }


def run_info(args: argparse.Namespace) -> int:
    parse_key(args.key)
    play = PlayStore(args.store).load(args.key)
    info = play_info(play)
    if args.json:
        json.dump(info, sys.stdout, indent=1, default=str)
        print()
        return 0
    m = play.meta
    print(f"play {m.key}  {m.season} week {m.week} {m.season_type or ''}  {m.away_team} @ {m.home_team}")
    print(f"  {m.offense_team} offense vs {m.defense_team}; Q{m.quarter} {m.game_clock}; down {m.down} & {m.distance}; "
          f"LOS x={m.los_x}  first down x={m.first_down_x}")
    print(f"  type {m.play_type}; result {m.pass_result or '-'}; target {m.target_nfl_id or '-'}; "
          f"source {m.source_format}; offense was moving {m.play_direction}"
          + (" (inferred)" if m.direction_inferred else ""))
    print(f"  {m.description}")
    print(f"  {play.n_frames} frames, t = {play.t[0]:.1f} .. {play.t[-1]:.1f} s from the snap")
    print("events:")
    for ev in info["events"]:
        print(f"  {ev['t']:>7.1f} s  frame {ev['frame']:>4}  {ev['event']}")
    print("roster:")
    for p in info["roster"]:
        h = f"{p['height_m']:.2f} m" if p.get("height_m") else "   -  "
        role = (p.get("role") or "-") + (" (inferred)" if p.get("role_source") == "inferred" else "")
        jersey = p["jersey"] if p["jersey"] is not None and p["jersey"] >= 0 else ""
        print(f"  {p['side']:<3} {p['team'] or '':<4} #{jersey!s:<3} {p['position'] or '':<4} "
              f"{p['name'] or p['nfl_id']!s:<26} {h}  {role}")
    print("quality flags:" + ("" if play.flags else " none"))
    for k, v in play.flags.items():
        print(f"  {k}: {v}")
    return 0
