"""Benchmark of the training session: per-frame cost of gaze hit-testing + metric updates for 22 players (target
<= 0.3 ms), against a per-capsule Python loop measured in the same run; and the frame rate of a full offscreen
training rep (render, gaze, recording) against rendering the same frames alone.

    .venv/bin/python tools/bench_session.py [--size 960x540] [--frames 600]
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.training.gaze import CAPSULES, GazeScene, aim_point, head_angles  # noqa: E402
from engine.training.gaze_metrics import GazeTracker  # noqa: E402
from replay.roles import passer  # noqa: E402
from scenes.cameras import eye_point  # noqa: E402
from scenes.drills import load_play_ref  # noqa: E402
from scenes.pose_source import pose_source_for  # noqa: E402


def naive_hit(joints, names, origin, d, exclude):
    """The same ray-capsule test, one capsule at a time in Python (the baseline)."""
    best, best_s = -1, math.inf
    for p in range(joints.shape[0]):
        if p in exclude:
            continue
        for a, b, rad in CAPSULES:
            A = joints[p, names.index(a)].astype(float)
            E = joints[p, names.index(b)] - A
            R = origin - A
            bb, c, dr, er = float(E @ d), float(E @ E), float(R @ d), float(E @ R)
            u = min(max((er - bb * dr) / max(c - bb * bb, 1e-9), 0.0), 1.0)
            s = max(u * bb - dr, 0.0)
            u = min(max((er + s * bb) / max(c, 1e-9), 0.0), 1.0)
            gap = R + s * d - u * E
            reach = rad + s * math.tan(math.radians(1.0))
            if s > 0.3 and float(gap @ gap) <= reach * reach and s < best_s:
                best, best_s = p, s
    return best


def bench_gaze(frames: int) -> None:
    play = load_play_ref("synthetic:cover3_smash")
    poses = pose_source_for(play)
    names = list(poses.joint_names)
    qb = passer(play)
    t = np.linspace(-1.0, 2.4, frames)
    joints = [poses.joints_at(float(x)) for x in t]
    from engine.cp.timeline import context_for
    from engine.training.trainee import number_receivers
    rc = number_receivers(play, qb, context_for(play).nfl_ids)
    gs = GazeScene(play, names, exclude=[qb], receivers=[r.col for r in rc])
    tracker = GazeTracker([r.nfl_id for r in rc])
    rays = []
    for k, j in enumerate(joints):
        eye = eye_point(j[qb], names)
        d = aim_point(j, names, rc[(k // 30) % len(rc)].col) - eye
        rays.append((eye, d / np.linalg.norm(d)))
    cost = np.empty(frames)
    hits = 0
    for k in range(frames):
        c0 = time.perf_counter()
        h = gs.hit(joints[k], *rays[k])
        _, pitch = head_angles(rays[k][1])
        tracker.update(float(t[k]), rays[k][1], h.nfl_id, h.zone, h.category, pitch)
        cost[k] = time.perf_counter() - c0
        hits += h.col >= 0
    tracker.finish(float(t[-1]))
    tracker.result(float(t[-1]))
    n_base = min(frames, 100)
    base = np.empty(n_base)
    agree = 0
    for k in range(n_base):
        c0 = time.perf_counter()
        col = naive_hit(joints[k], names, rays[k][0].astype(float), rays[k][1].astype(float), {qb})
        base[k] = time.perf_counter() - c0
        agree += col == gs.hit(joints[k], *rays[k]).col
    med, p95 = np.median(cost) * 1e3, np.percentile(cost, 95) * 1e3
    print(f"gaze per frame, {play.n_players} players x {len(CAPSULES)} capsules ({frames} frames):")
    print(f"  hit-test + metric update: median {med:.3f} ms, p95 {p95:.3f} ms (target <= 0.3 ms: "
          f"{'OK' if med <= 0.3 else 'OVER'}); {hits}/{frames} rays hit a player")
    print(f"  baseline per-capsule Python loop: median {np.median(base) * 1e3:.3f} ms "
          f"-> vectorised is {np.median(base) / np.median(cost):.1f}x faster; same hit on {agree}/{n_base} frames")


def bench_rep(size: tuple[int, int]) -> None:
    from engine.app import close_play, open_play, update_frame
    from engine.backends.panda_display import PandaDisplay
    from engine.renderer import Renderer
    from engine.training.clock import FixedStepClock
    from engine.training.loop import RepPlan, run_session
    from engine.training.session.records import FrameSample
    from engine.training.session.stream import read_stream
    from engine.training.trainee import ScriptedTrainee

    plan = RepPlan("synthetic:cover3_smash", load_play_ref("synthetic:cover3_smash"))
    r = Renderer(PandaDisplay("offscreen", size))
    try:
        # warm-up: shaders compiled, first buffers uploaded
        view = open_play(r, plan.play, camera="qb")
        for x in np.linspace(-3, 0, 10):
            update_frame(view, float(x))
            r.render()
        close_play(view)
        with tempfile.TemporaryDirectory() as tmp:
            costs: list[float] = []
            res = run_session([plan], r, ScriptedTrainee(), Path(tmp) / "s", clock=FixedStepClock(60), costs=costs)
            frames = read_stream(Path(tmp) / "s").of_type(FrameSample)
        n = res.frames
        # baseline: the same frames from the same eye poses, rendered alone (no trainee, gaze, labels, recording)
        view = open_play(r, plan.play, camera="qb", hud=False)
        t0 = time.perf_counter()
        for f in frames:
            update_frame(view, f.play_t)
            eye = np.asarray(f.eye, np.float32)
            r.look(eye, eye + 10.0 * np.asarray(f.gaze, np.float32), 90.0)
            r.render()
        render_only = time.perf_counter() - t0
        close_play(view)
    finally:
        r.close()
    fps_rep = res.fps
    fps_render = n / render_only
    print(f"full offscreen training rep at {size[0]}x{size[1]} ({n} frames, scripted trainee, recording on):")
    loop_fps = (len(frames) - 1) / (frames[-1].wall_t - frames[0].wall_t)
    print(f"  frame loop {loop_fps:.1f} fps ({1e3 / loop_fps:.2f} ms/frame: pose, gaze, metrics, recording, labels, "
          f"render); whole session {fps_rep:.1f} fps (with scene setup, CP and summary)")
    print(f"  baseline: the same frames from the same eye poses rendered alone {fps_render:.1f} fps "
          f"-> the training frame costs {fps_render / loop_fps:.2f}x the frame time of rendering alone")
    print(f"  gaze + metrics inside the rep: median {np.median(costs):.3f} ms/frame")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="960x540")
    ap.add_argument("--frames", type=int, default=600)
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    bench_gaze(args.frames)
    bench_rep((w, h))
    return 0


if __name__ == "__main__":
    sys.exit(main())
