"""Import benchmark. Prints:

- rows/s importing every shared NGS highlight play into a fresh store;
- the ratio of that import time to a bare `pandas.read_csv` of the same files (measured in the same run);
- the time to load one play from the store vs parsing its source file (target >= 50x faster);
- peak memory streaming a synthetic ~1 GB week file built here (target: well under 2 GB), in a subprocess.

Usage: QBVR_SHARED_DATA=../shared/data .venv/bin/python tools/bench_import.py [--week-mb 1024]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "replay"))

from replay.importer import import_paths, iter_plays  # noqa: E402
from replay.store import PlayStore  # noqa: E402


def shared_dir() -> Path:
    d = Path(os.environ.get("QBVR_SHARED_DATA", ROOT.parent / "shared" / "data"))
    if not (d / "ngs_highlights").is_dir():
        sys.exit(f"bench_import: no shared data at {d} (set QBVR_SHARED_DATA)")
    return d


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def bench_highlights(hl: Path) -> None:
    files = sorted(hl.glob("*.tsv.gz"))
    rows = sum(len(pd.read_csv(f, sep="\t", usecols=["frame"])) for f in files)
    t_pandas = best_of(2, lambda: [pd.read_csv(f, sep="\t") for f in files])
    with tempfile.TemporaryDirectory() as tmp:
        t_import = best_of(2, lambda: import_paths(files, PlayStore(tmp)))
        store = PlayStore(tmp)
        key = "2018092311:141"
        src = hl / "2018_ARI_2018092311_141.tsv.gz"
        t_load = best_of(20, lambda: store.load(key))
        t_parse = best_of(5, lambda: list(iter_plays([src])))
    print(f"highlights: {len(files)} files, {rows:,} rows")
    print(f"  import (parse, assemble, store): {t_import:.2f} s = {rows / t_import:,.0f} rows/s")
    print(f"  bare pandas.read_csv of the same files: {t_pandas:.2f} s; import / read_csv = {t_import / t_pandas:.2f}x")
    print(f"  one play: load from store {t_load * 1e3:.2f} ms vs parse source {t_parse * 1e3:.1f} ms "
          f"-> store is {t_parse / t_load:.0f}x faster (target >= 50x)")


def write_week_file(path: Path, target_bytes: int) -> tuple[int, int]:
    """A week-sized tracking file in NGS TSV layout, gzip-free, made of distinct synthetic plays."""
    from test_importer_bad_input import ngs_frame

    template = ngs_frame(play_id=1)
    header = template.to_csv(sep="\t", index=False).split("\n", 1)[0] + "\n"
    body = template.to_csv(sep="\t", index=False, header=False)
    lines = body.splitlines(keepends=True)
    prefix_len = len("2099010100\t1\t")
    tails = [ln[prefix_len:] for ln in lines]
    plays = rows = 0
    with open(path, "w") as fh:
        fh.write(header)
        size = len(header)
        while size < target_bytes:
            plays += 1
            game, play = 2099010100 + plays // 1000, plays % 1000 + 1
            chunk = "".join(f"{game}\t{play}\t{t}" for t in tails)
            fh.write(chunk)
            size += len(chunk)
            rows += len(tails)
    return plays, rows


def bench_week(mb: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        week = Path(tmp) / "week_synthetic.tsv"
        t0 = time.perf_counter()
        plays, rows = write_week_file(week, mb * 1024 * 1024)
        size = week.stat().st_size
        print(f"week file: {size / 2**30:.2f} GB, {plays:,} plays, {rows:,} rows "
              f"(built in {time.perf_counter() - t0:.0f} s)")
        code = ("import sys, time, resource; sys.path.insert(0, %r)\n"
                "from replay.importer import import_paths\nfrom replay.store import PlayStore\n"
                "t=time.perf_counter(); r=import_paths([%r], PlayStore(%r)); dt=time.perf_counter()-t\n"
                "print(len(r.imported), len(r.skipped), dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
                % (str(ROOT), str(week), str(Path(tmp) / "store")))
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
        n, skipped, dt, rss_kb = int(out[0]), int(out[1]), float(out[2]), int(out[3])
        print(f"  streamed import: {n:,} plays ({skipped} skipped) in {dt:.0f} s = {rows / dt:,.0f} rows/s; "
              f"peak memory {rss_kb / 1024:.0f} MB (target well under 2048 MB; file is {size / 2**20:.0f} MB)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--week-mb", type=int, default=1024, help="size of the synthetic week file (default 1024)")
    args = ap.parse_args()
    bench_highlights(shared_dir() / "ngs_highlights")
    bench_week(args.week_mb)


if __name__ == "__main__":
    main()
