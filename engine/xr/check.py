"""`tools/xr_check.py` / `qbvr xr-check`: is this headset ready to train on?

Lists the OpenXR runtime, the system (headset), the recommended eye size, the runtime's extensions (eye gaze or
not), then runs a test scene (the built-in drill's first play, looping) for a few seconds in the headset and
prints frame timing: frames shown, frames the runtime asked not to render, missed frames (gaps of more than one
display period between predicted display times) and the CPU milliseconds per frame from the end of xrWaitFrame
to the end of xrEndFrame (update, render both eyes, submit). `--scripted` runs the same check on a scripted
headset offscreen, for machines without one (the numbers are then this machine's offscreen rendering).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from engine.backends.interface import DisplayUnavailable

from .bindings import EYE_GAZE_EXTENSION
from .clock import NS


@dataclass(frozen=True)
class FrameTimingReport:
    frames: int
    not_rendered: int
    missed: int
    period_ms: float
    cpu_ms_mean: float
    cpu_ms_p95: float
    cpu_ms_max: float
    over_budget: int      # frames whose CPU time exceeded the display period
    lead_ms_mean: float | None = None  # predicted display time - when xrWaitFrame returned (None: unknown)
    lead_ms_p95: float | None = None

    def lines(self) -> list[str]:
        hz = 1000.0 / self.period_ms if self.period_ms > 0 else float("nan")
        lead = ("the runtime cannot tell its clock (no XR_KHR_convert_timespec_time)" if self.lead_ms_mean is None
                else f"{self.lead_ms_mean:.2f} ms ahead of the frame's start (p95 {self.lead_ms_p95:.2f} ms)")
        return [f"frames: {self.frames} at {hz:.1f} Hz (period {self.period_ms:.2f} ms); "
                f"not rendered (runtime said so): {self.not_rendered}",
                f"missed frames: {self.missed}",
                f"CPU per frame: mean {self.cpu_ms_mean:.2f} ms, p95 {self.cpu_ms_p95:.2f} ms, "
                f"max {self.cpu_ms_max:.2f} ms; over the {self.period_ms:.2f} ms budget: {self.over_budget}",
                f"head pose and play time: at each frame's predicted display time, {lead}"]


def frame_timing(display_times_ns, period_ns: int, cpu_s, should_render=None, woke_ns=None) -> FrameTimingReport:
    """Timing figures from per-frame predicted display times, the display period and CPU seconds per frame.
    A gap of k periods between consecutive display times means k - 1 frames were missed. `woke_ns`: the runtime's
    clock when each xrWaitFrame returned (0 where unknown): how far ahead the predicted display time was."""
    t = np.asarray(display_times_ns, np.int64)
    cpu = np.asarray(cpu_s, np.float64) * 1000.0
    gaps = np.diff(t) / float(period_ns) if len(t) > 1 else np.zeros(0)
    missed = int(np.sum(np.maximum(np.rint(gaps) - 1, 0)))
    nr = 0 if should_render is None else int(np.sum(~np.asarray(should_render, bool)))
    period_ms = period_ns / 1e6
    lead = None
    if woke_ns is not None:
        w = np.asarray(woke_ns, np.int64)[: len(t)]
        ok = w > 0
        lead = (t[: len(w)][ok] - w[ok]) / 1e6 if ok.any() else None
    return FrameTimingReport(len(t), nr, missed, period_ms,
                             float(cpu.mean()) if len(cpu) else 0.0,
                             float(np.percentile(cpu, 95)) if len(cpu) else 0.0,
                             float(cpu.max()) if len(cpu) else 0.0, int(np.sum(cpu > period_ms)),
                             None if lead is None else float(lead.mean()),
                             None if lead is None else float(np.percentile(lead, 95)))


def _open_driver(seconds: float, scripted: bool, out, eye_size: tuple[int, int]):
    """The scripted headset, or the real runtime's driver after probing it (None, said why, when not ready)."""
    from .runtime import INSTALL_HINT, probe_runtime

    if scripted:
        from .scripted import ScriptedHeadset, standing_trace
        return ScriptedHeadset(standing_trace(seconds), eye_size=eye_size)
    probe = probe_runtime()
    out(f"runtime: {probe.runtime or 'none'}")
    if probe.extensions:
        out(f"extensions: {len(probe.extensions)} "
            f"({'with' if EYE_GAZE_EXTENSION in probe.extensions else 'without'} {EYE_GAZE_EXTENSION})")
    if not probe.ok:
        out(f"not ready: {probe.reason}")
        out(INSTALL_HINT)
        return None
    from .openxr_driver import OpenXRDriver
    return OpenXRDriver()


def _print_info(backend, driver, out) -> None:
    info = backend.info
    out(f"runtime: {info.runtime}")
    out(f"system: {info.system}")
    out(f"views: {info.views} x {info.eye_size[0]}x{info.eye_size[1]} (recommended per eye)")
    out(f"eye tracking: {'yes (XR_EXT_eye_gaze_interaction)' if info.eye_gaze else 'no: head gaze is measured'}")
    out(f"extensions enabled: {', '.join(info.extensions)}")
    if getattr(driver, "graphics", ""):
        out(f"graphics binding: OpenGL on {driver.graphics.upper()} (the context Panda3D renders with)")


def run_check(seconds: float = 10.0, *, scripted: bool = False, out=print,
              eye_size: tuple[int, int] = (640, 640)) -> int:
    """Print the headset report and run the test scene; returns a process exit code (0 ready, 1 not).
    `eye_size`: the scripted headset's eye size (a real headset's is its runtime's recommendation)."""
    from engine.app import open_play, update_frame
    from engine.renderer import Renderer
    from scenes.synthetic_plays import synthetic_play

    from .headset import HeadsetBackend, run_headset_loop

    driver = _open_driver(seconds, scripted, out, eye_size)
    if driver is None:
        return 1
    backend = HeadsetBackend(driver)
    try:
        renderer = Renderer(backend)
    except DisplayUnavailable as e:
        out(f"not ready: {e}")
        return 1
    _print_info(backend, driver, out)

    play = synthetic_play("cover3_smash")
    view = open_play(renderer, play, camera="qb", hud=False)
    view.scene.figures.set_hidden(view.scene.qb)
    t0 = float(play.t[0])
    length = float(play.t[-1]) - t0
    backend.start_clock(t0)
    times, render_flags, cpu = [], [], []
    period = [0]
    start = time.perf_counter()
    frame_start = [0.0]

    def step(f) -> bool:
        frame_start[0] = time.perf_counter()
        update_frame(view, t0 + (f.play_time - t0) % length)
        times.append(f.display_time_ns)
        render_flags.append(f.should_render)
        return (f.display_time_ns - times[0]) / NS < seconds

    def render() -> bool:
        ok = renderer.render()
        cpu.append(time.perf_counter() - frame_start[0])
        return ok

    out(f"running the test scene for {seconds:g} s: look around, pull a trigger, take the headset off and on")
    try:
        run_headset_loop(backend, step, render, max_wait_s=30.0)
    finally:
        period[0] = backend.period_ns or _median_period(times)
        renderer.close()
    if not times:
        out("no frames: the runtime never started the session (is the headset on and the runtime's home "
            "screen showing?)")
        return 1
    woke = {ft.display_time_ns: ft.woke_ns for ft in backend.timings}
    rep = frame_timing(times[:len(cpu)], period[0], cpu, render_flags[:len(cpu)],
                       [woke.get(t, 0) for t in times[:len(cpu)]])
    for line in rep.lines():
        out(line)
    out(f"gaze: {backend.gaze_source} ({backend.gaze_sources['eye']} eye, {backend.gaze_sources['head']} head "
        f"samples); wall time {time.perf_counter() - start:.1f} s")
    return 0


def _median_period(times) -> int:
    d = np.diff(np.asarray(times, np.int64))
    return int(np.median(d)) if len(d) else 11_111_111
