"""Video export benchmark. Renders the same frames of a real play offscreen three times in one run and prints
frames per second for: rendering alone (the baseline), rendering into PNG files (`qbvr review --frames`) and
rendering streamed into the H.264 encoder (`qbvr review --video`), as ratios against the baseline, with the bytes
each output takes on disk.

The store is --store when given, else one built in a temporary directory from the shared NGS highlight plays.

Usage: QBVR_SHARED_DATA=../shared/data .venv/bin/python tools/bench_video.py [--store DIR] [--frames 90]
       [--size 1280x720]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.app import open_play, render_at  # noqa: E402
from engine.backends.panda_display import PandaDisplay  # noqa: E402
from engine.commands.review import parse_size  # noqa: E402
from engine.renderer import Renderer, save_png  # noqa: E402
from engine.video import VideoWriter  # noqa: E402
from replay.importer import import_paths  # noqa: E402
from replay.store import PlayStore  # noqa: E402

KEY = "2018092311:141"


def store_from(args: argparse.Namespace, tmp: Path) -> PlayStore:
    if args.store:
        return PlayStore(args.store)
    shared = os.environ.get("QBVR_SHARED_DATA")
    if not shared:
        sys.exit("bench_video: set QBVR_SHARED_DATA (or pass --store DIR)")
    store = PlayStore(tmp / "store")
    import_paths([Path(shared) / "ngs_highlights"], store)
    return store


def timed(view, times: list[float], sink) -> float:
    """Frames per second of rendering `times` and handing each frame to `sink`."""
    render_at(view, times[0])  # warm-up: shaders, first uploads
    t0 = time.perf_counter()
    for k, t in enumerate(times):
        sink(k, render_at(view, t))
    return len(times) / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", type=Path)
    ap.add_argument("--frames", type=int, default=90)
    ap.add_argument("--size", type=parse_size, default=(1280, 720))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        play = store_from(args, tmp).load(KEY)
        t0 = play.event_time("ball_snap") or 0.0
        times = [t0 + k / 30 for k in range(args.frames)]
        renderer = Renderer(PandaDisplay("offscreen", args.size))
        try:
            view = open_play(renderer, play, camera="qb", hud=True)
            base = timed(view, times, lambda k, rgb: None)
            (tmp / "png").mkdir()
            png = timed(view, times, lambda k, rgb: save_png(tmp / "png" / f"frame_{k:05d}.png", rgb))
            with VideoWriter(tmp / "play.mp4", args.size, 30.0) as video:
                mp4 = timed(view, times, lambda k, rgb: video.write(rgb))
        finally:
            renderer.close()
        png_bytes = sum(p.stat().st_size for p in (tmp / "png").iterdir())
        mp4_bytes = (tmp / "play.mp4").stat().st_size
    w, h = args.size
    print(f"{play.key}, {args.frames} frames at {w}x{h}, qb camera, offscreen (one run)")
    print(f"  render only (baseline):  {base:6.1f} frames/s  1.00x")
    print(f"  render + PNG frames:     {png:6.1f} frames/s  {png / base:.2f}x   {png_bytes / 2**20:6.1f} MiB on disk")
    print(f"  render + H.264 (--video):{mp4:6.1f} frames/s  {mp4 / base:.2f}x   {mp4_bytes / 2**20:6.1f} MiB on disk")
    print(f"  video vs PNG frames: {mp4 / png:.2f}x the frame rate, {png_bytes / max(mp4_bytes, 1):.0f}x smaller")


if __name__ == "__main__":
    main()
