"""Fit the continuation model on the real pass plays of a store and write `assets/continuation_params.json`.

    python tools/fit_continuation.py --store DIR [--out assets/continuation_params.json] [--no-grid]

The learned corrections, limits, shed times and closing speed come from `replay.continuation.fit`; the post-throw
settings (how far from the catch point defenders break on the ball, how fast, how fast the other receivers slow)
are chosen by a small grid on the ball-in-the-air task of the same throws. The provenance records the data, the
code version and the game-wise cross-validated figures of `qbvr eval continuation` at 1 and 2 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from replay.continuation.dataset import play_tracks  # noqa: E402
from replay.continuation.evaluate import ball_in_air, evaluate  # noqa: E402
from replay.continuation.fit import (  # noqa: E402
    A_PCT,
    ANCHOR_STRIDE,
    HORIZON_STEPS,
    RIDGE,
    V_PCT,
    fit_params,
    fit_shed,
    group_samples,
)
from replay.continuation.params import PARAMS_PATH, params_to_dict  # noqa: E402
from replay.store import PlayStore  # noqa: E402

GRID = {"break_radius_yd": (10.0, 20.0, 30.0, 40.0), "break_speed": (6.0, 7.0, 8.0), "others_slow_s": (1.0, 3.0)}


def _git_commit() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                              cwd=ROOT).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _ball_rmse(pairs: list, params) -> float:
    m: list = []
    for n, (p, pt) in enumerate(pairs):
        b = ball_in_air(p, pt, params, seed=n)
        if b is not None:
            m += b[0]
    return float(np.sqrt(np.mean(m)))


def grid_post_throw(pairs: list, params) -> tuple:
    """The post-throw settings with the lowest ball-in-the-air RMSE (coordinate search over GRID)."""
    best = params
    for name, values in GRID.items():
        scores = {v: _ball_rmse(pairs, dataclasses.replace(best, **{name: v})) for v in values}
        best = dataclasses.replace(best, **{name: min(scores, key=scores.get)})
        print(f"  {name}: " + ", ".join(f"{v:g} -> {s:.3f}" for v, s in scores.items()), flush=True)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", required=True, help="play store with real pass plays (e.g. the NGS highlights)")
    ap.add_argument("--out", default=str(PARAMS_PATH))
    ap.add_argument("--no-grid", action="store_true", help="keep the default post-throw settings")
    args = ap.parse_args(argv)
    t0 = time.time()
    store = PlayStore(args.store)
    plays = [store.load(k) for k, r in store.index().items() if r.get("play_type") == "pass"]
    pairs = [(p, pt) for p in plays if (pt := play_tracks(p)) is not None]
    pts = [pt for _, pt in pairs]
    samples = group_samples(pts)
    params = fit_params(pts, samples=samples)
    print(f"fitted on {len(pts)} pass plays from {len(set(pt.game_id for pt in pts))} games", flush=True)
    if not args.no_grid:
        params = grid_post_throw(pairs, params)
    shed = fit_shed(pts)
    cv = {}
    for h in (1.0, 2.0):
        cv[f"{h:.1f}"], _ = evaluate(plays, h, base=params)
        print(json.dumps(cv[f"{h:.1f}"]), flush=True)
    params.provenance = {
        "created_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "code": "tools/fit_continuation.py (replay/continuation/fit.py)", "git_commit": _git_commit(),
        "python": platform.python_version(), "numpy": np.__version__,
        "data": {"store": "NGS highlight plays (2017-2018), every stored pass play with a passer and a release",
                 "plays": len(pts), "games": len({pt.game_id for pt in pts}),
                 "samples": {g: int(len(s[0])) for g, s in zip(("rushers", "receivers", "coverage", "blockers"),
                                                              samples.values(), strict=True)}},
        "method": {"ridge_lambda": RIDGE, "horizon_steps": HORIZON_STEPS, "anchor_stride_frames": ANCHOR_STRIDE,
                   "targets": "real displacement minus constant velocity, anchors from the snap to the release, "
                              "never past the release; every play also mirrored across the field",
                   "limits": f"speed {V_PCT}th and acceleration {A_PCT}th percentile after the snap",
                   "shed_time": "log-normal, maximum likelihood with right-censoring at the release",
                   "pursuit_speed": "75th percentile closing speed of free rushers within 8 yd of the QB"},
        "shed_spells": {"spells": shed["spells"], "censored": shed["censored"]},
        "post_throw_grid": {k: list(v) for k, v in GRID.items()},
        "cross_validated": {"folds": 5, "by": "game", "figures": cv},
    }
    Path(args.out).write_text(json.dumps(params_to_dict(params), indent=1) + "\n")
    print(f"wrote {args.out} in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
