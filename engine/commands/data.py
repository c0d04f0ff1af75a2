"""`qbvr import`, `qbvr info`: getting real plays into the store and looking at them (`qbvr plays` finds them:
`engine.commands.plays`)."""

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
    if result.imported:
        from replay.index import update_index
        idx = update_index(store)  # the situational index of the new and changed plays, in this process
        print(f"indexed {idx.computed} plays ({len(idx.rows)} in {idx.path.name})")
    return 0 if result.ok else 1


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
