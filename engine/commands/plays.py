"""`qbvr plays` (the play finder) and `qbvr index` (the situational index): find plays by situation."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import Any

from replay.finder import FILTERS, SORTABLE, build_filters, select, sort_rows
from replay.store import PlayStore

from .argtypes import add_cluster_args
from .data import add_store_arg

# the index fields `qbvr plays --json` adds to each play's store summary, under these names
INDEX_FIELDS = ("rushers", "blitz", "time_to_throw", "time_to_pressure", "pressure", "sack", "shell", "coverage",
                "formation", "air_yards", "target_position", "target_depth", "dropback", "kind", "trick_play",
                "score_diff", "yardline", "clock_s")
TABLE = (("key", "play", 17), ("season", "season", 6), ("week", "wk", 3), ("offense", "off", 4),
         ("defense", "def", 4), ("down", "dn", 2), ("distance", "togo", 4), ("formation", "form", 12),
         ("rushers", "rush", 4), ("time_to_throw", "ttt", 4), ("time_to_pressure", "ttp", 4), ("shell", "sh", 2),
         ("result", "res", 3))


def add_filter_args(p: argparse.ArgumentParser) -> None:
    """The finder's filters as options (`qbvr plays`, `qbvr drill new`)."""
    g = p.add_argument_group("filters (ranges: N, N+, -N, A-B)")
    for f in FILTERS:
        if f.kind == "flag":
            g.add_argument(f"--{f.name}", action="store_true", help=f.help)
        else:
            metavar = "|".join(f.choices) if f.choices else ("TEAM" if f.kind == "team" else "RANGE")
            g.add_argument(f"--{f.name}", metavar=metavar, help=f.help)
    g.add_argument("--type", dest="play_type", help="play type: pass, run, sack, kickoff, punt, ...")
    g.add_argument("--team", help="offense or defense team")
    g.add_argument("--dropbacks", action="store_true", help="dropbacks only (no runs, trick or special-teams plays)")


def filter_values(args: argparse.Namespace) -> dict[str, Any]:
    return {f.name: getattr(args, f.name, None) for f in FILTERS}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plays", help="find stored plays by situation (down, rush, time to throw, shell, ...)",
                       description="List stored plays, filtered on the situational index (built beside the store "
                       "at import and brought up to date here when plays changed).",
                       epilog="example: qbvr plays --rushers 5+ --ttt -2.5 --pressure yes --sort time_to_pressure",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    add_filter_args(p)
    p.add_argument("--sort", metavar="FIELD", help=f"sort by an index field: {', '.join(SORTABLE)}")
    p.add_argument("--desc", action="store_true", help="sort descending")
    p.add_argument("--limit", type=int, metavar="N", help="at most N plays")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="JSON rows: the store summary plus the index fields")
    out.add_argument("--csv", action="store_true", help="CSV rows with the same fields as --json")
    add_store_arg(p)
    p.set_defaults(func=run_plays)

    p = sub.add_parser("index", help="build or update the situational index (in parallel on a Dask cluster)",
                       description="Compute the situational index of every stored play that is new or changed "
                       "(all with --rebuild) as Dask tasks: on a local cluster sized to this machine (started and "
                       "stopped here) or on an existing one with --scheduler (its workers must see the store "
                       "directory by the same path). --workers 0 runs in this process.",
                       epilog="example: qbvr index --scheduler tcp://10.0.0.5:8786 --store /shared/qbvr/plays")
    p.add_argument("--rebuild", action="store_true", help="recompute every play")
    add_cluster_args(p)
    add_store_arg(p)
    p.set_defaults(func=run_index)


def find(store: PlayStore, values: dict[str, Any], *, play_type: str | None = None, team: str | None = None,
         dropbacks: bool = False, sort: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Index rows of the stored plays matching the filters (`replay.finder`), sorted and limited."""
    from replay.errors import QbvrError
    from replay.index import current_rows

    rows = current_rows(store).rows
    filters = build_filters(values, rows)
    hits = select(rows, filters)
    if play_type:
        kinds = sorted({r["play_type"] for r in rows if r.get("play_type")})
        if rows and play_type not in kinds:
            raise QbvrError(f"--type {play_type!r} is not a play type in the store; valid: {', '.join(kinds)}")
        hits = [r for r in hits if r.get("play_type") == play_type]
    if team:
        t = team.upper()
        hits = [r for r in hits if t in (r.get("offense"), r.get("defense"))]
    if dropbacks:
        hits = [r for r in hits if r.get("dropback")]
    hits = sort_rows(hits, sort)
    if limit is not None:
        if limit < 1:
            raise QbvrError(f"--limit {limit}: expected at least 1")
        hits = hits[:limit]
    return hits


def json_rows(store: PlayStore, hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each hit as the store summary plus the index fields (INDEX_FIELDS)."""
    summaries = store.index()
    return [{**{k: v for k, v in summaries.get(r["key"], {}).items() if k != "file"},  # the file stamp: bookkeeping
             **{k: r.get(k) for k in INDEX_FIELDS}} for r in hits]


def run_plays(args: argparse.Namespace) -> int:
    store = PlayStore(args.store)
    hits = find(store, filter_values(args), play_type=args.play_type, team=args.team, dropbacks=args.dropbacks,
                sort=("-" if args.desc else "") + args.sort if args.sort else None, limit=args.limit)
    for problem in store.problems:
        print(f"warning: {problem}", file=sys.stderr)
    if args.json:
        json.dump(json_rows(store, hits), sys.stdout, indent=1)
        print()
    elif args.csv:
        rows = json_rows(store, hits)
        fields = list(rows[0]) if rows else ["key", *INDEX_FIELDS]
        w = csv.DictWriter(sys.stdout, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in r.items()})
    else:
        print_table(hits, store)
    return 0


def _cell(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.1f}"
    return str(v)


def print_table(hits: list[dict[str, Any]], store: PlayStore) -> None:
    if not hits:
        print(f"no plays match in {store.root}")
        return
    print(" ".join(f"{h:<{w}}" if c == "key" else f"{h:>{w}}" for c, h, w in TABLE) + "  description")
    for r in hits:
        cells = [f"{_cell(r.get(c)):<{w}}" if c == "key" else f"{_cell(r.get(c)):>{w}}" for c, _, w in TABLE]
        print(" ".join(cells) + "  " + (r.get("description") or "")[:60])
    print(f"{len(hits)} plays")


def run_index(args: argparse.Namespace) -> int:
    from replay.index import update_index

    store = PlayStore(args.store)
    if not store.root.exists():
        from replay.errors import QbvrError
        raise QbvrError(f"no play store at {store.root} (import plays with `qbvr import`)")
    bar = None
    if not args.quiet:
        from tqdm import tqdm
        bar = tqdm(total=0, unit="play", desc="indexing", file=sys.stderr, dynamic_ncols=True)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    kw = dict(rebuild=args.rebuild, progress=progress if bar is not None else None)
    try:
        if args.workers == 0 and not args.scheduler:
            res = update_index(store, **kw)
            where = "this process"
        else:
            from engine.cluster import client_map, dask_client, default_workers, task_chunk, worker_threads
            with dask_client(args.scheduler, args.workers) as client:
                slots = worker_threads(client)
                res = update_index(store, map_fn=client_map(client), chunk=lambda n: task_chunk(n, slots), **kw)
            where = args.scheduler or f"a local Dask cluster of {args.workers or default_workers()} workers"
    finally:
        if bar is not None:
            bar.close()
    print(f"index {res.path}: {len(res.rows)} plays ({res.computed} computed on {where}, {res.kept} unchanged, "
          f"{res.dropped} dropped)")
    for p in res.problems:
        print(f"warning: {p}", file=sys.stderr)
    return 0
