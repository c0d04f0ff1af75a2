"""CLI start-up benchmark. Prints the wall time of `qbvr --help`, `qbvr plays` and `qbvr info KEY` (median of
several runs, each a fresh process, as a user's shell or script would run them), next to a bare `python -c pass`
measured in the same run, as ratios against that baseline, with the targets (<= 0.3 s, <= 0.5 s, <= 0.5 s), and
which heavy libraries each command imported (`python -X importtime`).

The store is --store when given, else one built in a temporary directory from the shared NGS highlight plays
(`qbvr import $QBVR_SHARED_DATA/ngs_highlights`, ~10 s).

Usage: QBVR_SHARED_DATA=../shared/data .venv/bin/python tools/bench_cli.py [--store DIR] [--runs 7] [--key KEY]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("panda3d", "pandas", "matplotlib", "scipy", "lightgbm")
DEFAULT_KEY = "2018092311:141"


def qbvr_command() -> list[str]:
    """The `qbvr` console script next to this interpreter (what users run), else `python -m engine.cli`."""
    script = Path(sys.executable).parent / "qbvr"
    return [sys.executable, str(script)] if script.is_file() else [sys.executable, "-m", "engine.cli"]


def child_env() -> dict[str, str]:
    """The environment of every child: this tree's code first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def run(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    res = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"bench_cli: {' '.join(cmd)} failed ({res.returncode}): {res.stderr.strip()[-400:]}")
    return res


def median_wall(cmd: list[str], env: dict[str, str], runs: int) -> float:
    """Median wall time of `runs` fresh processes, after one warm-up run (page cache, .pyc files)."""
    run(cmd, env)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        run(cmd, env)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def heavy_imports(cmd: list[str], env: dict[str, str]) -> list[str]:
    """The heavy top-level packages a command imports, from `python -X importtime`."""
    res = run([cmd[0], "-X", "importtime", *cmd[1:]], env)
    loaded = {line.split("|")[-1].strip().split(".")[0] for line in res.stderr.splitlines()
              if line.startswith("import time:")}
    return [m for m in HEAVY if m in loaded]


def build_store(tmp: str, env: dict[str, str]) -> str:
    shared = os.environ.get("QBVR_SHARED_DATA")
    if not shared or not (Path(shared) / "ngs_highlights").is_dir():
        sys.exit("bench_cli: give --store DIR or set QBVR_SHARED_DATA to the shared data folder")
    store = str(Path(tmp) / "store")
    t0 = time.perf_counter()
    run([*qbvr_command(), "import", str(Path(shared) / "ngs_highlights"), "--store", store, "--quiet"], env)
    print(f"built a store of the shared NGS highlight plays in {time.perf_counter() - t0:.1f} s: {store}")
    return store


def pick_key(store: str, key: str | None) -> str:
    sys.path.insert(0, str(ROOT))
    from replay.store import PlayStore

    keys = PlayStore(store).index()
    if key:
        return key
    if not keys:
        sys.exit(f"bench_cli: the store {store} is empty")
    return DEFAULT_KEY if DEFAULT_KEY in keys else sorted(keys)[0]


def bench(store: str, key: str, runs: int) -> bool:
    env = child_env()
    qbvr = qbvr_command()
    cases = [("qbvr --help", ["--help"], 0.3), ("qbvr plays", ["plays", "--store", store], 0.5),
             (f"qbvr info {key}", ["info", key, "--store", store], 0.5)]
    base = median_wall([sys.executable, "-c", "pass"], env, runs)
    print(f"command: {' '.join(qbvr)} ...  (median of {runs} fresh processes each)")
    print(f"{'':<26} {'wall':>8} {'/ baseline':>11} {'target':>8}  heavy imports")
    print(f"{'python -c pass (baseline)':<26} {base:>7.3f}s {1.0:>10.1f}x {'':>8}")
    ok = True
    for name, args, target in cases:
        wall = median_wall([*qbvr, *args], env, runs)
        heavy = heavy_imports([*qbvr, *args], env)
        met = wall <= target
        ok &= met
        print(f"{name:<26} {wall:>7.3f}s {wall / base:>10.1f}x {'<= ' + format(target, 'g') + ' s':>8}  "
              f"{', '.join(heavy) or 'none'}{'' if met else '   OVER TARGET'}")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", metavar="DIR", help="play store to list (default: build one from the shared plays)")
    ap.add_argument("--key", help=f"play for `qbvr info` (default {DEFAULT_KEY} when stored, else the first)")
    ap.add_argument("--runs", type=int, default=7, help="processes per command (default 7)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="qbvr-bench-cli-") as tmp:
        store = args.store or build_store(tmp, child_env())
        ok = bench(store, pick_key(store, args.key), max(args.runs, 1))
    print("all targets met" if ok else "some targets missed (see OVER TARGET)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
