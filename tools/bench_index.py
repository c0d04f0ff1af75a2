"""Situational index build benchmark: plays/s in one process and on a 2-worker local Dask cluster, measured in
the same run on the same store, the cluster as a ratio against the single process (target >= 1.5x on 2 cores),
and the peak resident memory of each worker.

The store holds the shared NGS highlight plays copied --copies times under new play ids (a season-sized index
is tens of thousands of plays; the per-play work is the same). Cluster start-up is reported apart: the
throughput is measured on a started, warmed-up cluster (each worker has imported qbvr), as an analyst with a
running cluster sees it.

Usage: QBVR_SHARED_DATA=../shared/data .venv/bin/python tools/bench_index.py [--copies 8] [--workers 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["PYTHONPATH"] = str(ROOT) + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH")
                                        else "")  # the workers import this tree's code too

from engine.cluster import client_map, dask_client, peak_rss, task_chunk, worker_peak_memory, worker_threads  # noqa: E402
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


def cpu_seconds() -> float:
    """CPU seconds this process has used (run on each worker to see what the work cost there)."""
    return time.process_time()


def timed(fn) -> tuple[float, float, object]:
    """(wall s, this process's CPU s, result) of fn()."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - t0, time.process_time() - c0, out


def measure(store: PlayStore, workers: int, rounds: int) -> dict:
    """Alternating rounds of the one-process build and the cluster build on one warmed cluster: wall times,
    CPU seconds of this process (with the cluster: the client and the scheduler) and of the workers."""
    n = len(store.keys())
    index_rows(str(store.root), store.keys()[:4])  # warm this process's imports like the workers'
    r: dict = {"single": [], "multi": [], "single_cpu": [], "client_cpu": [], "worker_cpu": []}
    t0 = time.perf_counter()
    with dask_client(workers=workers) as client:
        r["start"] = time.perf_counter() - t0
        client.run(index_rows, str(store.root), store.keys()[:4])  # every worker imports qbvr once
        slots = worker_threads(client)
        r["chunk"] = task_chunk(n, slots)
        for _ in range(rounds):
            wall, cpu, single = timed(lambda: update_index(store, rebuild=True))
            assert single.computed == n
            r["single"].append(wall)
            r["single_cpu"].append(cpu)
            w0 = client.run(cpu_seconds)
            wall, cpu, multi = timed(lambda: update_index(store, rebuild=True, map_fn=client_map(client),
                                                          chunk=lambda k: task_chunk(k, slots)))
            w1 = client.run(cpu_seconds)
            assert multi.computed == n and [x["key"] for x in multi.rows] == [x["key"] for x in single.rows]
            r["multi"].append(wall)
            r["client_cpu"].append(cpu)
            r["worker_cpu"].append(sum(w1[k] - w0[k] for k in w0))
        r["mem"] = worker_peak_memory(client)
    r["rss_single"] = peak_rss()
    return r


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds of each build; medians printed")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="qbvr-bench-index-") as tmp:
        store = build_store(Path(tmp), args.copies)
        n = len(store.keys())
        load0 = os.getloadavg()[0]
        r = measure(store, args.workers, args.rounds)
    med = {k: statistics.median(v) for k, v in r.items() if isinstance(v, list)}
    ps, pm = n / med["single"], n / med["multi"]
    print(f"store: {n} plays ({args.copies} copies of the shared highlight plays); {os.cpu_count()} cores; "
          f"load average {load0:.1f} before, {os.getloadavg()[0]:.1f} after (other jobs take cores from both)")
    print(f"one process:               {ps:8.0f} plays/s  ({med['single']:.2f} s, CPU {med['single_cpu']:.2f} s)  "
          f"peak RSS {r['rss_single'] / 2**20:.0f} MiB")
    print(f"{args.workers}-worker local cluster:   {pm:8.0f} plays/s  ({med['multi']:.2f} s)  = {pm / ps:.2f}x one "
          f"process (target >= 1.5x); {r['chunk']} plays per task; cluster start-up {r['start']:.1f} s")
    print(f"  CPU: workers {med['worker_cpu']:.2f} s together ({med['worker_cpu'] / med['single_cpu']:.2f}x the one "
          f"process's), client and scheduler {med['client_cpu']:.2f} s; medians of {args.rounds} alternating rounds")
    for w, m in sorted(r["mem"].items()):
        print(f"  worker {w}: peak RSS {m / 2**20:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
