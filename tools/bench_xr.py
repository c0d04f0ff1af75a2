"""Headset benchmark: what the headset path costs on top of plain stereo rendering, measured in one run.

For the built-in drill's first play, both eyes at --eye WxH (default 720x720), offscreen (Mesa llvmpipe here):
- baseline: stereo offscreen (`PandaDisplay(views=2)`: both eyes side by side in one buffer), the app's frame
  update + render, ms per frame;
- headset: the same play through `HeadsetBackend` + a scripted headset replaying a 90 Hz head trace (events,
  wait, locate, OpenXR-to-Panda3D poses, recentring, gaze, input latches, per-eye asymmetric lenses, one buffer
  per eye drawing into swapchain textures as on a real headset), ms per frame;
- their ratio, and the headset backend's own Python per frame (wait + view parameters; target well under 1 ms
  of the ~2 ms per-frame Python budget);
- then the same test scene (`qbvr xr-check`'s) through a real OpenXR runtime - Monado with its null compositor
  (found beside $QBVR_SHARED_DATA, or --monado MANIFEST), in a subprocess under a private Xvfb when no DISPLAY is
  set - and through the scripted headset at Monado's eye size: both frame timing reports (frames, missed frames,
  CPU per frame, how far ahead the display time is predicted) and the ratio of their CPU per frame.

Usage: .venv/bin/python tools/bench_xr.py [--frames 120] [--eye 720x720] [--seconds 5] [--monado MANIFEST]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from panda3d.core import load_prc_file_data  # noqa: E402

load_prc_file_data("bench_xr", "gl-finish 1")

import numpy as np  # noqa: E402
from OpenGL import GL  # noqa: E402

from engine.app import open_play, update_frame  # noqa: E402
from engine.backends.panda_display import PandaDisplay  # noqa: E402
from engine.renderer import Renderer  # noqa: E402
from engine.xr.headset import HeadsetBackend, run_headset_loop  # noqa: E402
from engine.xr.scripted import ScriptedHeadset, standing_trace  # noqa: E402
from scenes.synthetic_plays import synthetic_play  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=120)
    ap.add_argument("--eye", default="720x720")
    ap.add_argument("--seconds", type=float, default=5.0, help="length of the Monado / scripted test scene")
    ap.add_argument("--monado", type=Path, default=None, help="Monado's manifest (default: beside the shared data)")
    a = ap.parse_args()
    w, h = (int(v) for v in a.eye.lower().split("x"))
    play = synthetic_play("cover3_smash")
    snap = play.event_time("ball_snap") or 0.0
    ts = snap + np.arange(a.frames) / 90.0

    # baseline: plain stereo offscreen
    r = Renderer(PandaDisplay("offscreen", (w, h), views=2))
    view = open_play(r, play, camera="qb", hud=False)
    for t in ts[:10]:
        update_frame(view, t)
        r.render()
        GL.glFinish()
    t0 = time.perf_counter()
    for t in ts:
        update_frame(view, t)
        r.render()
        GL.glFinish()
    base_ms = (time.perf_counter() - t0) / a.frames * 1000
    r.close()

    # headset: scripted head trace through the headset backend
    be = HeadsetBackend(ScriptedHeadset(standing_trace((a.frames + 12) / 90.0), eye_size=(w, h)))
    r = Renderer(be)
    view = open_play(r, play, camera="qb", hud=False)
    be.start_clock(snap)
    backend_s = []
    orig_wait, orig_begin = be.wait, be.begin_frame

    def timed_wait():
        s = time.perf_counter()
        out = orig_wait()
        backend_s.append(time.perf_counter() - s)
        return out

    def timed_begin():
        s = time.perf_counter()
        out = orig_begin()
        backend_s[-1] += time.perf_counter() - s
        return out
    be.wait, be.begin_frame = timed_wait, timed_begin
    def render():
        ok = r.render()
        GL.glFinish()  # count the frame's GPU work (llvmpipe), as for the baseline
        return ok
    run_headset_loop(be, lambda f: update_frame(view, f.play_time) or True, render, max_frames=10)
    backend_s.clear()
    t0 = time.perf_counter()
    n = run_headset_loop(be, lambda f: update_frame(view, f.play_time) or True, render, max_frames=a.frames)
    xr_ms = (time.perf_counter() - t0) / n * 1000
    r.close()
    py_ms = np.array(backend_s[:n]) * 1000

    print(f"eyes: 2 x {w}x{h}, {n} frames of {play.key}")
    print(f"stereo offscreen baseline: {base_ms:.2f} ms/frame ({1000 / base_ms:.1f} fps)")
    print(f"headset backend (scripted): {xr_ms:.2f} ms/frame ({1000 / xr_ms:.1f} fps)")
    print(f"ratio headset / baseline: {xr_ms / base_ms:.3f}")
    print(f"headset backend Python per frame: mean {py_ms.mean():.3f} ms, p95 {np.percentile(py_ms, 95):.3f} ms")
    return monado_vs_scripted(a.seconds, a.monado)


def monado_manifest(given: Path | None) -> Path | None:
    if given is not None:
        return given
    shared = os.environ.get("QBVR_SHARED_DATA")
    p = Path(shared).resolve().parent / "xr" / "monado" / "openxr_monado.json" if shared else None
    return p if p is not None and p.exists() else None


def run_on_monado(seconds: float, manifest: Path) -> list[str]:
    """`qbvr xr-check` through Monado (null compositor, simulated HMD) in a subprocess; its output lines."""
    env = dict(os.environ, XR_RUNTIME_JSON=str(manifest), XRT_COMPOSITOR_NULL="1", XRT_LOG="error",
               PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    env.pop("P_OVERRIDE_ACTIVE_CONFIG", None)
    xvfb = None
    with tempfile.TemporaryDirectory() as runtime_dir:
        os.chmod(runtime_dir, 0o700)
        env["XDG_RUNTIME_DIR"] = runtime_dir
        if not env.get("DISPLAY"):
            r, w = os.pipe()
            xvfb = subprocess.Popen([shutil.which("Xvfb") or "Xvfb", "-displayfd", str(w), "-screen", "0",
                                     "1280x720x24", "-nolisten", "tcp"], pass_fds=(w,), stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            os.close(w)
            with os.fdopen(r) as f:
                env["DISPLAY"] = ":" + f.readline().strip()
        try:
            code = ("import sys; from engine.xr.check import run_check; "
                    f"sys.exit(run_check({seconds!r}))")
            proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                  timeout=300)
        finally:
            if xvfb is not None:
                xvfb.terminate()
                xvfb.wait()
    if proc.returncode != 0:
        raise SystemExit(f"xr-check through Monado failed ({proc.returncode}): {proc.stdout[-400:]}")
    return proc.stdout.splitlines()


def monado_vs_scripted(seconds: float, given: Path | None) -> int:
    from engine.xr.check import run_check

    manifest = monado_manifest(given)
    if manifest is None:
        print("Monado: not found (set QBVR_SHARED_DATA or pass --monado MANIFEST): only the scripted headset ran")
        return 0
    real = run_on_monado(seconds, manifest)
    m = re.search(r"views: \d+ x (\d+)x(\d+)", "\n".join(real))
    eye = (int(m.group(1)), int(m.group(2))) if m else (128, 128)
    scripted: list[str] = []
    run_check(seconds, scripted=True, out=scripted.append, eye_size=eye)
    keep = ("system:", "views:", "frames:", "missed", "CPU", "head pose")
    print(f"\nthe xr-check test scene for {seconds:g} s, eyes {eye[0]}x{eye[1]}:")
    for name, lines in (("Monado (null compositor)", real), ("scripted headset", scripted)):
        print(f"  {name}:")
        for line in lines:
            if line.startswith(keep):
                print(f"    {line}")
    cpu = [float(re.search(r"CPU per frame: mean ([\d.]+)", "\n".join(x)).group(1)) for x in (real, scripted)]
    print(f"  ratio CPU per frame Monado / scripted: {cpu[0] / cpu[1]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
