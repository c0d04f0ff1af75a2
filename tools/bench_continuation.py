"""Benchmark of the continuation model (the play after the trainee departs from the real QB).

Prints the model's cost per display frame for the 21 players it moves (advance by one frame, then sample the
positions; target <= 0.3 ms), its worst frame (the one that re-anchors the learned plan), and next to them the
cost of sampling the recorded play at one instant (timebase.sample_tracks, the baseline measured in the same run).
With a store it also runs an offscreen training rep with a throw (the model active from the throw on) and prints
its frame rates before and after the throw (fixed 60 fps play clock), the pause at the throw and the worst frame
within AROUND_THROW_S of it next to a typical frame before it (the thrown play's skeletons are synthesised on a
short window and eased in: `engine.training.loop.Rep.swap_play`; a whole play's took ~0.5-1 s).

    QBVR_SHARED_DATA=../shared/data python tools/bench_continuation.py [--store DIR] [--play KEY] [--fps 90]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from replay.continuation import Continuation, default_params  # noqa: E402
from replay.roles import release_time  # noqa: E402
from replay.timebase import sample_tracks  # noqa: E402

AROUND_THROW_S = 0.5  # s either side of the throw in which the worst frame is taken


def load_play(store: str | None, key: str | None):
    if store is None:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
        from conftest import make_play
        return make_play(n_frames=120)
    from replay.store import PlayStore
    st = PlayStore(store)
    if key is None:
        key = next(k for k, s in sorted(st.index().items()) if s.get("play_type") == "pass")
    return st.load(key)


def model_frames(play, t0: float, fps: float, seconds: float) -> np.ndarray:
    """Seconds per display frame of advance + sample over `seconds` of play."""
    c = Continuation(play, t0, default_params(), seed=0)
    n = int(seconds * fps)
    out = np.zeros(n)
    t = t0
    for i in range(n):
        a = time.perf_counter()
        t += 1.0 / fps
        c.advance_to(t)
        c.sample(t)
        out[i] = time.perf_counter() - a
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", default=None, help="play store (default: a synthetic play built in code)")
    ap.add_argument("--play", default=None, help="GAMEID:PLAYID (default: the first stored pass play)")
    ap.add_argument("--fps", type=float, default=90.0)
    args = ap.parse_args(argv)
    play = load_play(args.store, args.play)
    t0 = release_time(play) or 1.5
    frames = np.concatenate([model_frames(play, t0, args.fps, 3.0) for _ in range(5)])
    base = np.zeros(2000)
    for i in range(len(base)):
        a = time.perf_counter()
        sample_tracks(play, t0 + i * 1e-3)
        base[i] = time.perf_counter() - a
    mean, p99, worst = frames.mean() * 1e3, np.percentile(frames, 99) * 1e3, frames.max() * 1e3
    b = np.median(base) * 1e3
    print(f"play {play.key}, model from {t0:.1f} s, {args.fps:g} display fps, {play.n_players - 1} players moved")
    print(f"  model per frame: mean {mean:.3f} ms (target <= 0.3), p99 {p99:.3f} ms, worst {worst:.3f} ms")
    print(f"  recorded play sampled at one instant (baseline): {b:.3f} ms")
    print(f"  ratio model/recorded: mean {mean / b:.2f}x, p99 {p99 / b:.2f}x")
    if args.store:
        training_fps(play)
    return 0


def training_fps(play) -> None:
    """Rendered frames per second of an offscreen rep (320x180, fixed 60 fps play clock): before the throw (the
    recording) and after it (the model's play with the ball in flight), and the pause at the throw (the model
    rolled on and the skeletons rebuilt). A first rep warms up shaders and the CP model."""
    import tempfile

    from engine.training.clock import FixedStepClock
    from engine.training.launch import open_session
    from engine.training.loop import RepPlan, run_session
    t_rel = release_time(play) or 2.0
    t_throw = round(max(t_rel - 0.8, 0.6), 1)
    marks: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as d, open_session("offscreen", trainee=f"scripted:1@0.3,throw=1@{t_throw}",
                                                         size=(320, 180)) as session:
        for k in range(2):
            marks.clear()
            run_session([RepPlan(play.key, play, lead_s=0.5)], session.renderer, session.trainee, f"{d}/{k}",
                        clock=FixedStepClock(60),
                        after_render=lambda rep, t: marks.append((t, time.perf_counter())))
    t = np.array([m[0] for m in marks])
    w = np.array([m[1] for m in marks])
    pre, post = t < t_throw - 1e-9, t > t_throw + 1e-9
    gap = float(w[post][0] - w[pre][-1]) if pre.any() and post.any() else float("nan")

    def fps(m: np.ndarray) -> float:
        return (m.sum() - 1) / (w[m][-1] - w[m][0]) if m.sum() > 1 else float("nan")
    dt = np.diff(w) * 1e3
    near = np.abs(t[1:] - t_throw) <= AROUND_THROW_S + 1e-9  # frame intervals ending within the window
    worst = float(dt[near].max()) if near.any() else float("nan")
    typical = float(np.median(dt[t[1:] < t_throw - AROUND_THROW_S])) if (t[1:] < t_throw - AROUND_THROW_S).any() \
        else float("nan")
    print(f"  training rep with a throw at {t_throw} s: {fps(pre):.0f} fps on the recording, {fps(post):.0f} fps "
          f"with the model active (ball in flight), {gap * 1e3:.0f} ms at the throw (model + skeleton rebuild)")
    print(f"  worst frame within {AROUND_THROW_S:g} s of the throw: {worst:.0f} ms (typical frame before it "
          f"{typical:.1f} ms, ratio {worst / typical:.1f}x)")


if __name__ == "__main__":
    sys.exit(main())
