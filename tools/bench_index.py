"""Situational index build benchmark: plays/s in one process and on a 2-worker local Dask cluster, measured in
the same run on the same store, the cluster as a ratio against the single process (target >= 1.5x on 2 cores),
and the peak resident memory of each worker.

The store holds the shared NGS highlight plays copied --copies times under new play ids (a season-sized index
is tens of thousands of plays; the per-play work is the same). Cluster start-up is reported apart: the
throughput is measured on a started, warmed-up cluster (each worker has imported qbvr), as an analyst with a
running cluster sees it.

Usage: QBVR_SHARED_DATA=../shared/data .venv/bin/python tools/bench_index.py [--copies 8] [--workers 2]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["PYTHONPATH"] = str(ROOT) + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH")
                                        else "")  # the workers import this tree's code too

from engine.cluster import TASK_PLAYS, client_map, dask_client, peak_rss, worker_peak_memory  # noqa: E402
from replay.index import index_rows, update_index  # noqa: E402
from replay.store import PlayStore  # noqa: E402


def build_store(root: Path, copies: int) -> PlayStore:
    """The shared highlight plays, `copies` times under new play ids."""
    from replay.importer import import_paths
    shared = os.environ.get("QBVR_SHARED_DATA")
    if not shared:
        sys.exit("set QBVR_SHARED_DATA to the shared data folder")
    src = PlayStore(root / "src")
    import_paths([Path(shared) / "ngs_highlights"], src)
    store = PlayStore(root / "plays")
    plays = []
    for key in src.keys():
        play = src.load(key)
        for c in range(copies):
            p = play if c == 0 else src.load(key)
            p.meta = dataclasses.replace(p.meta, play_id=play.meta.play_id * 100 + c)
            plays.append(p)
        if len(plays) > 200:
            store.save_many(plays)
            plays = []
    store.save_many(plays)
    return store


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="qbvr-bench-index-") as tmp:
        store = build_store(Path(tmp), args.copies)
        n = len(store.keys())
        print(f"store: {n} plays ({args.copies} copies of the shared highlight plays); {os.cpu_count()} cores")
        index_rows(str(store.root), store.keys()[:4])  # warm this process's imports like the workers'
        t0 = time.perf_counter()
        single = update_index(store, rebuild=True)
        t_single = time.perf_counter() - t0
        assert single.computed == n
        rss_single = peak_rss()
        t0 = time.perf_counter()
        with dask_client(workers=args.workers) as client:
            t_start = time.perf_counter() - t0
            client.run(index_rows, str(store.root), store.keys()[:4])  # every worker imports qbvr once
            t0 = time.perf_counter()
            multi = update_index(store, rebuild=True, map_fn=client_map(client), chunk=TASK_PLAYS)
            t_multi = time.perf_counter() - t0
            mem = worker_peak_memory(client)
        assert multi.computed == n and [r["key"] for r in multi.rows] == [r["key"] for r in single.rows]
    ps, pm = n / t_single, n / t_multi
    print(f"one process:               {ps:8.0f} plays/s  ({t_single:.2f} s)  peak RSS {rss_single / 2**20:.0f} MiB")
    print(f"{args.workers}-worker local cluster:   {pm:8.0f} plays/s  ({t_multi:.2f} s)  = {pm / ps:.2f}x one process "
          f"(target >= 1.5x); cluster start-up {t_start:.1f} s")
    for w, m in sorted(mem.items()):
        print(f"  worker {w}: peak RSS {m / 2**20:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
