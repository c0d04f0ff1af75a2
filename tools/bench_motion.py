"""Benchmark and quality figures of skeletal motion.

Prints: the cost of sampling all 22 skeletons at one instant (target <= 0.5 ms) against a baseline measured in
the same run (plain linear interpolation of precomputed joint arrays), of building a play's motion, and of
sampling a whole play at 60 fps; and the quality figures on real mocap (gap filling vs linear interpolation,
RFID fusion, synthesis step rate and foot skating) and on every shared real play.

    QBVR_SHARED_DATA=../shared/data python tools/bench_motion.py [--store DIR] [--play KEY] [--quick]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from replay.motion import build_motion  # noqa: E402
from replay.motion_metrics import check_play_motion, foot_skating, lowest_point  # noqa: E402
from replay.separation import OVERLAP_M, overlap_share  # noqa: E402


def best_of(fn, n: int, repeat: int = 5) -> float:
    """Best mean seconds per call over `repeat` runs of `n` calls."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t0) / n)
    return best


def load_plays(store_dir: str | None):
    from replay.store import PlayStore
    if store_dir:
        return PlayStore(store_dir)
    shared = os.environ.get("QBVR_SHARED_DATA")
    if not shared:
        sys.exit("set QBVR_SHARED_DATA (or pass --store DIR with imported plays)")
    import tempfile

    from replay.importer import import_paths
    store = PlayStore(Path(tempfile.mkdtemp(prefix="qbvr-bench-")))
    import_paths([Path(shared) / "ngs_highlights"], store)
    return store


def bench_sampling(store, key: str) -> None:
    play = store.load(key)
    t0 = time.perf_counter()
    m = build_motion(play)
    build = time.perf_counter() - t0
    raw = m.all_joints()  # the baseline samples precomputed arrays with no bone correction
    fps = m.fps
    rng = np.random.default_rng(0)
    ts = rng.uniform(m.t_start, m.t_end, 2000)
    it = iter(np.tile(ts, 100))

    def naive():
        t = next(it)
        x = (t - m.t_start) * fps
        i = min(int(x), len(raw) - 2)
        w = np.float32(x - i)
        return raw[i] + (raw[i + 1] - raw[i]) * w

    one = best_of(lambda: m.joints_at(float(next(it))), 2000)
    base = best_of(naive, 2000)
    ball = best_of(lambda: m.ball_at(float(next(it))), 2000)
    dur = m.t_end - m.t_start
    t60 = np.arange(m.t_start, m.t_end, 1 / 60)
    whole = best_of(lambda: m.joints_at(t60), 1, repeat=3)
    print(f"play {key}: {play.n_players} players, {dur:.1f} s, internal {fps:.0f} Hz")
    print(f"  joints_at, all {play.n_players} skeletons at one instant: {one * 1e3:.3f} ms (target <= 0.5 ms); "
          f"baseline plain lerp of precomputed joints {base * 1e3:.3f} ms (ratio {one / base:.1f}x)")
    print(f"  ball_at one instant: {ball * 1e3:.3f} ms")
    print(f"  build_motion (whole play, synthesis): {build:.2f} s = {build / dur * 1e3:.1f} ms per play second")
    print(f"  whole play at 60 fps in one call ({len(t60)} frames): {whole * 1e3:.0f} ms = "
          f"{whole / len(t60) * 1e6:.1f} us per frame; frame by frame {one * len(t60) * 1e3:.0f} ms")


def bench_mocap(quick: bool) -> None:
    from replay.motion_eval import fusion_rmse, gap_errors, load_locomotion, synthesis_figures
    shared = os.environ.get("QBVR_SHARED_DATA")
    if not shared:
        print("mocap figures skipped: QBVR_SHARED_DATA is not set")
        return
    clips = load_locomotion(Path(shared) / "mocap")
    step = 29 if quick else 9
    print("gap filling, wrist masked, mean error over the gap in mm (policy fill / linear interpolation):")
    for name in ("run", "walk"):
        row = []
        for gap in np.round(np.arange(0.1, 1.01, 0.1), 1):
            f, lin = gap_errors(clips, name, gap, step=step)
            row.append(f"{gap:.1f}s {f:.0f}/{lin:.0f}{'' if f < lin else ' (!)'}")
        print(f"  {name:5s} " + "  ".join(row))
    print("fusion: pelvis from the mid-shoulder point at 10 Hz + 10 cm noise per axis, RMSE mm "
          "(fused / noisy tag taken as pelvis):")
    for name in ("run", "jog", "walk"):
        f, b = fusion_rmse(clips[name], seeds=range(3 if quick else 10))
        print(f"  {name:5s} {f:.0f} / {b:.0f}   (target on run < 90)")
    print("synthesis from the clip's 10 Hz track (step rate real / synthesised, worst-foot skating ratio):")
    for name in ("run", "jog", "walk"):
        s = synthesis_figures(clips[name])
        print(f"  {name:5s} {s['speed']:.2f} m/s: {s['real_step_rate']:.2f} / {s['synth_step_rate']:.2f} steps/s "
              f"({s['synth_step_rate'] / s['real_step_rate'] - 1:+.1%}), skating {s['skating']:.1%} "
              f"(targets: within 15%, < 10%)")


def bench_all_plays(store) -> None:
    t0 = time.perf_counter()
    n = n_pass = ok_release = 0
    worst = {"nan": 0, "bone": 0.0, "foot": np.inf, "tag": 0.0}
    skating = []
    overlap = {"before": [0, 0], "after": [0, 0]}
    for play in store.iter_plays():
        m = build_motion(play)
        for label, mm in (("before", build_motion(play, contact=False)), ("after", m)):
            s10 = (mm.times >= 0) & (mm.times <= min(mm.t_end, 6.0))
            hit, total = overlap_share(mm.joints_at(mm.times[s10][::6]), mm.skeleton, mm.heights)
            overlap[label][0] += hit
            overlap[label][1] += total
        c = check_play_motion(m)
        sel = (m.times >= 0) & (m.times <= min(m.t_end, 6.0))  # the first 6 s after the snap
        J = m.joints_at(m.times[sel])
        skating += [foot_skating(lowest_point(J[:, p], m.joint_names, s), m.fps)
                    for p in range(play.n_players) for s in "lr"]
        n += 1
        worst["nan"] += c.nan_joints
        worst["bone"] = max(worst["bone"], c.bone_spread)
        worst["foot"] = min(worst["foot"], c.min_foot_z)
        worst["tag"] = max(worst["tag"], c.max_tag_error_yd)
        if c.release_leaves is not None:
            n_pass += 1
            ok_release += bool(c.release_leaves)
    dt = time.perf_counter() - t0
    print(f"every shared real play ({n} plays, built and checked in {dt:.0f} s):")
    print(f"  NaN joint coordinates {worst['nan']}; worst bone-length spread {worst['bone']:.4%} (< 1%); "
          f"lowest foot point {worst['foot'] * 100:+.2f} cm (> -1 cm); worst tag point to track "
          f"{worst['tag']:.5f} yd (< 0.25); ball leaves the passer's hand at the release on {ok_release}/{n_pass} "
          f"passes")
    sk = np.asarray(skating)
    print(f"  foot skating in the first 6 s after the snap, per player foot: median {np.median(sk):.1%}, "
          f"90th percentile {np.percentile(sk, 90):.1%}, worst {sk.max():.1%}")
    b, a = (overlap[k][0] / max(overlap[k][1], 1) for k in ("before", "after"))
    print(f"  limb interpenetration, first 6 s after the snap at 10 Hz: share of frames where two players' limb "
          f"capsules overlap by more than {OVERLAP_M * 100:.0f} cm: before (tracks as synthesised) {b:.1%}, after "
          f"(pass sets, engaged arms, separation) {a:.1%}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", help="a play store with the shared plays (default: import them into a temp store)")
    ap.add_argument("--play", default="2018092311:141")
    ap.add_argument("--quick", action="store_true", help="fewer gap placements and noise seeds")
    args = ap.parse_args()
    warnings.simplefilter("ignore", RuntimeWarning)
    store = load_plays(args.store)
    bench_sampling(store, args.play)
    bench_mocap(args.quick)
    bench_all_plays(store)


if __name__ == "__main__":
    main()
