"""Benchmark the CP model: every eligible receiver at one instant, a whole play's timeline, and `cp score`.

Uses the real shared highlight pass plays ($QBVR_SHARED_DATA/ngs_highlights, imported into a temporary store).
Prints absolute figures, the issue's targets, and ratios to baselines measured in the same run:
- per instant: the same features and model computed receiver by receiver (what vectorising over receivers buys);
  instants inside the decision window projected when the play is first scored; the one-off cost of an instant in a
  later block of frames is printed too;
- timeline: the same instants computed one `cp_at` call at a time (what vectorising over instants buys);
- cp score: reading the same CSV with pandas alone (how much scoring adds to parsing).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.cp import cp_at, cp_timeline, default_model  # noqa: E402
from engine.cp.features import NotAPassPlay, PlayThrowContext  # noqa: E402
from engine.cp.timeline import context_for  # noqa: E402
from replay.field_frame import FIELD  # noqa: E402
from replay.roles import dropback_end  # noqa: E402


def best_of(fn, n: int, repeat: int = 3) -> float:
    """Seconds per call: the best of `repeat` runs of `n` calls."""
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t0) / n)
    return best


def main() -> int:
    root = os.environ.get("QBVR_SHARED_DATA")
    if not root or not (Path(root) / "ngs_highlights").is_dir():
        print("bench_cp: set QBVR_SHARED_DATA to the shared data folder (needs ngs_highlights/)")
        return 1
    from replay.importer import import_paths
    from replay.store import PlayStore

    model = default_model()
    with tempfile.TemporaryDirectory() as tmp:
        store = PlayStore(Path(tmp) / "store")
        import_paths([Path(root) / "ngs_highlights"], store)
        keys = sorted(k for k, s in store.index().items() if s.get("play_type") == "pass")
        plays = [store.load(k) for k in keys]

    rng = np.random.default_rng(0)
    per_instant, per_instant_loop, timeline, timeline_loop, build, n_rec, n_t = [], [], [], [], [], [], []
    new_block: list[float] = []
    for play in plays:
        try:
            t0 = time.perf_counter()
            ctx = context_for(play)
            build.append(time.perf_counter() - t0)
        except NotAPassPlay:
            continue
        ts = rng.uniform(0.0, max(ctx.release_t or 2.0, 0.5), 5)
        k = iter(range(10**9))
        per_instant.append(best_of(lambda: cp_at(play, ts[next(k) % 5], model), 200))
        n_rec.append(len(ctx.receivers))

        def receiver_by_receiver() -> None:
            t = np.array([ts[0]])
            f = ctx.features(t)
            for j in range(len(ctx.receivers)):
                model.predict({name: v[:, j] for name, v in f.items()})

        per_instant_loop.append(best_of(receiver_by_receiver, 50))
        late = float(play.t[-1]) - 0.05  # the end of the play: usually outside the decision window projected up front
        if late > (ctx.release_t or 0.0) + 3.3:
            fresh = PlayThrowContext.build(play)
            fresh.prepare(dropback_end(play))
            t0 = time.perf_counter()
            fresh.rows(late)
            new_block.append(time.perf_counter() - t0)
        timeline.append(best_of(lambda: cp_timeline(play, model=model), 10))
        tl = cp_timeline(play, model=model)
        n_t.append(len(tl.t))
        timeline_loop.append(best_of(lambda: [cp_at(play, float(t), model) for t in tl.t], 2, 2))

    ms = lambda a: 1e3 * float(np.mean(a))  # noqa: E731
    p95 = lambda a: 1e3 * float(np.percentile(a, 95))  # noqa: E731
    print(f"CP benchmark on {len(per_instant)} real highlight pass plays "
          f"(mean {np.mean(n_rec):.1f} eligible receivers, mean {np.mean(n_t):.0f} instants per timeline)")
    print(f"  per-play context (once per play): {ms(build):.2f} ms")
    print(f"  all receivers at one instant (cp_at): {ms(per_instant):.3f} ms mean, {p95(per_instant):.3f} ms p95 "
          f"(target <= 0.2 ms: {ms(per_instant) / 0.2:.2f}x target); receiver-by-receiver baseline "
          f"{ms(per_instant_loop):.3f} ms -> {np.mean(per_instant_loop) / np.mean(per_instant):.1f}x faster")
    if new_block:
        print(f"  first instant in a not yet projected 3.2 s block (late in a play, {len(new_block)} plays): "
              f"{ms(new_block):.2f} ms mean, once per block")
    print(f"  whole-play timeline (cp_timeline): {ms(timeline):.2f} ms mean, {p95(timeline):.2f} ms p95 "
          f"(target <= 20 ms: {ms(timeline) / 20:.2f}x target); instant-by-instant baseline {ms(timeline_loop):.2f} ms "
          f"-> {np.mean(timeline_loop) / np.mean(timeline):.1f}x faster")

    # cp score: a CSV of real-looking feature rows
    from engine.commands.cp import read_features, run_score

    n = 200_000
    import pandas as pd
    df = pd.DataFrame({
        "air_distance": rng.uniform(1, 60, n).round(2), "separation": rng.gamma(2.0, 1.2, n).round(2),
        "sideline_distance": rng.uniform(0, FIELD.centre_y, n).round(2),
        "pressure_distance": np.where(rng.random(n) < 0.6, np.nan, rng.uniform(0.3, 10, n)).round(2),
        "qb_speed": rng.uniform(0, 8, n).round(2), "time_to_throw": rng.uniform(1, 6, n).round(2),
        "play": [f"p{i}" for i in range(n)]})
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "f.csv", Path(tmp) / "o.csv"
        df.to_csv(src, index=False)
        import argparse
        args = argparse.Namespace(features=str(src), out=str(out), params=None)
        t_score = best_of(lambda: run_score(args), 1, 2)
        t_read = best_of(lambda: pd.read_csv(src), 1, 2)
        t_parse = best_of(lambda: read_features(src), 1, 2)
        feats = read_features(src)[1]
        t_model = best_of(lambda: model.predict(feats), 1, 3)
    print(f"  cp score: {n / t_score:,.0f} rows/s end to end ({n} rows; model alone {n / t_model:,.0f} rows/s, "
          f"checked parse {n / t_parse:,.0f} rows/s); plain pandas read_csv baseline {n / t_read:,.0f} rows/s "
          f"-> scoring costs {t_score / t_read:.1f}x a bare read")
    return 0


if __name__ == "__main__":
    sys.exit(main())
