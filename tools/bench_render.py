"""Render benchmark. For a real play at 1280x720 offscreen (Mesa llvmpipe here), prints:

- frames per second of the full scene (field, 22 instanced skeletal figures, ball) from the `qb` camera;
- frames per second of an empty scene in the same run: the empty stadium (field, stands, goal posts; no players,
  no ball), and for reference a frame with nothing drawn at all (clear only);
- the ratio full / empty stadium (target >= 0.5 on this machine): what the play itself costs;
- per-frame Python milliseconds: the frame's wall time minus the time inside GraphicsEngine.render_frame
  (scene update, camera, view parameters; target <= 2 ms);
- the full scene without the blob shadows, for their cost (the stadium, the sky and the shadows are on in
  "full" and the stadium and sky in "empty stadium");
- draw calls of the full scene;
- the same with two views (stereo, side by side, 2 x 1280x720).

Usage:
    QBVR_SHARED_DATA=../shared/data .venv/bin/python tools/bench_render.py \
        [--frames 20] [--rounds 15] [--size 1280x720]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from panda3d.core import load_prc_file_data  # noqa: E402

# glFinish after every frame: the frame's GPU work (llvmpipe threads here) is counted, not just queued.
load_prc_file_data("bench_render", "gl-finish 1")

from engine.app import close_play, open_play, update_frame  # noqa: E402
from engine.backends.panda_display import PandaDisplay  # noqa: E402
from engine.renderer import Renderer  # noqa: E402
from replay.importer import import_paths  # noqa: E402
from replay.store import PlayStore  # noqa: E402

PLAY_FILE = "2018_ARI_2018092311_141.tsv.gz"
PLAY_KEY = "2018092311:141"


def load_play():
    shared = os.environ.get("QBVR_SHARED_DATA")
    if not shared:
        sys.exit("set QBVR_SHARED_DATA to the shared data folder (a real play is benchmarked)")
    src = Path(shared) / "ngs_highlights" / PLAY_FILE
    store = PlayStore(tempfile.mkdtemp(prefix="qbvr-bench-"))
    import_paths([src], store)
    return store.load(PLAY_KEY)


class Timed:
    """Wraps GraphicsEngine.render_frame to accumulate the time spent inside it."""

    def __init__(self, engine):
        self.engine = engine
        self.total = 0.0

    def render_frame(self):
        t0 = time.perf_counter()
        self.engine.render_frame()
        self.total += time.perf_counter() - t0


def measure(renderer: Renderer, frames: int, view=None, t0: float = 0.0, warmup: int = 5) -> tuple[float, float]:
    """(fps, Python ms per frame) over `frames` frames, play time advancing 1/60 s per frame."""
    timed = Timed(renderer.engine)
    renderer.engine = timed
    for _ in range(warmup):  # shader compile, first uploads; after a switch, the changed scene
        if view is not None:
            update_frame(view, t0)
        renderer.render()
    timed.total = 0.0
    start = time.perf_counter()
    for k in range(frames):
        if view is not None:
            update_frame(view, t0 + k / 60.0)
        renderer.render()
    wall = time.perf_counter() - start
    renderer.engine = timed.engine
    return frames / wall, (wall - timed.total) / frames * 1000.0


def add_shadow_map_pass(r: Renderer, view, size: int = 2048):
    """What a shadow map would add at the least: a depth-only pass of every figure and the ball from the sun into
    a `size`^2 depth texture (an orthographic 70 x 70 m view over the line of scrimmage), rendered every frame.
    The turf's lookup into it is not counted, so this is a lower bound. Returns the pass's buffer."""
    from panda3d.core import (
        BitMask32,
        Camera,
        FrameBufferProperties,
        GraphicsOutput,
        GraphicsPipe,
        OrthographicLens,
        Texture,
        WindowProperties,
    )

    from scenes import palette
    from scenes.cameras import line_of_scrimmage_m
    win = r.views[0].region.get_window()
    fb = FrameBufferProperties()
    fb.set_depth_bits(24)
    buf = r.engine.make_output(win.get_pipe(), "shadow-map", -10, fb, WindowProperties.size(size, size),
                               GraphicsPipe.BF_refuse_window, win.get_gsg(), win)
    depth = Texture("shadow-depth")
    buf.add_render_texture(depth, GraphicsOutput.RTM_bind_or_copy, GraphicsOutput.RTP_depth)
    lens = OrthographicLens()
    lens.set_film_size(70, 70)
    lens.set_near_far(1, 200)
    cam = view.scene.root.attach_new_node(Camera("sun", lens))
    cam.node().set_camera_mask(BitMask32.bit(5))
    for np_ in (view.scene.field, view.scene.shadows.root):
        np_.hide(BitMask32.bit(5))
    target = np.array([line_of_scrimmage_m(view.scene.play), 24.4, 0.0])
    eye = target + 100.0 * np.asarray(palette.SUN)
    cam.set_pos(*eye)
    cam.look_at(*target)
    dr = buf.make_display_region()
    dr.set_camera(cam)
    return buf


def draw_calls(view) -> int:
    n = 0
    for np_ in view.scene.root.find_all_matches("**/+GeomNode"):
        if not np_.is_hidden():
            n += np_.node().get_num_geoms()
    return n


def compare_shadow_map(r: Renderer, view, frames: int, rounds: int, t0: float) -> None:
    """Blob shadows against the depth pass a shadow map needs, in adjacent chunks of the same run."""
    fb, fm = [], []
    for _ in range(max(3, rounds // 3)):
        view.scene.shadows.root.show()
        fb.append(measure(r, frames, view, t0, warmup=2)[0])
        view.scene.shadows.root.hide()
        buf = add_shadow_map_pass(r, view)
        fm.append(measure(r, frames, view, t0, warmup=2)[0])
        r.engine.remove_window(buf)
    view.scene.shadows.root.show()
    ratio = float(np.median(np.array(fm) / np.array(fb)))
    print(f"mono   shadows: blob {max(fb):6.1f} fps | shadow-map depth pass only (2048^2, no turf lookup: a lower "
          f"bound) {max(fm):6.1f} fps | shadow map / blob {ratio:.2f}")


def main() -> int:
    ap = argparse.ArgumentParser(description="render benchmark")
    ap.add_argument("--frames", type=int, default=20, help="frames per measured chunk")
    ap.add_argument("--rounds", type=int, default=15, help="rounds of adjacent chunks (full, empty, clear-only)")
    ap.add_argument("--size", default="1280x720")
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.lower().split("x"))
    play = load_play()
    t_snap = play.event_time("ball_snap") or 0.0
    print(f"play {play.key}: {play.n_players} players, {w}x{h} per view, qb camera, offscreen; {args.rounds} rounds "
          f"of {args.frames}-frame chunks: fps = best chunk, ratio = median over rounds of adjacent chunks "
          f"(other processes on this shared machine slow some chunks)")
    for views in (1, 2):
        r = Renderer(PandaDisplay("offscreen", (w, h), views=views), overlay=False)
        gsg = r.views[0].region.get_window().get_gsg()
        view = open_play(r, play, camera="qb", hud=False)
        scene = view.scene

        def run(parts: str) -> tuple[float, float]:
            scene.root.show()
            scene.figures.root.show()
            scene.ball.root.show()
            scene.shadows.root.show()
            if parts == "noshadow":
                scene.shadows.root.hide()
            if parts == "nothing":
                scene.root.hide()
            elif parts == "field":
                scene.figures.root.hide()
                scene.ball.root.hide()
                scene.shadows.root.hide()
            return measure(r, args.frames, view if parts != "nothing" else None, t_snap, warmup=2)

        for parts in ("full", "field", "nothing", "noshadow"):
            run(parts)  # warm up every variant once
        res: dict[str, list] = {"full": [], "field": [], "nothing": [], "noshadow": []}
        for _ in range(args.rounds):
            for parts in res:
                res[parts].append(run(parts))
        scene.root.show()
        fps = {k: np.array([x[0] for x in v]) for k, v in res.items()}
        py_ms = float(np.median([x[1] for x in res["full"]]))
        ratio = float(np.median(fps["full"] / fps["field"]))
        ratio_clear = float(np.median(fps["full"] / fps["nothing"]))
        ratio_shadow = float(np.median(fps["full"] / fps["noshadow"]))
        label = "mono  " if views == 1 else "stereo"
        if views == 1:
            print(f"renderer: {gsg.get_driver_renderer()}; draw calls per view: {draw_calls(view)} "
                  f"({play.n_players} players instanced)")
        print(f"{label} full scene {fps['full'].max():6.1f} fps | empty stadium (field, no players or ball) "
              f"{fps['field'].max():6.1f} fps | ratio {ratio:.2f} (target >= 0.5) | Python {py_ms:.2f} ms/frame "
              f"(target <= 2 ms)")
        print(f"{label}   nothing drawn (clear only) {fps['nothing'].max():6.1f} fps | full / clear-only "
              f"{ratio_clear:.2f}")
        print(f"{label}   full without blob shadows {fps['noshadow'].max():6.1f} fps | with / without shadows "
              f"{ratio_shadow:.2f}")
        if views == 1:
            compare_shadow_map(r, view, args.frames, args.rounds, t_snap)
        close_play(view)
        r.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
