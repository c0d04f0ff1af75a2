"""A scripted headset: replays recorded head and eye poses, trigger values and session events through the same
backend as a real headset (`HeadsetBackend`), rendering both eyes offscreen.

The trace is in OpenXR's conventions (STAGE space, Y up, quaternions (w, x, y, z), XrTime nanoseconds), exactly
what `OpenXRDriver` reads from a runtime, so a training rep through it exercises every conversion a real headset
goes through. Tests build traces from a gaze script; `engine.xr.coords.panda_*_to_xr` turns Panda3D poses into
OpenXR ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.backends.interface import DisplayOutputs
from engine.backends.panda_display import PandaDisplay

from .coords import quat_rotate
from .eye_targets import EyeTargets, GLSwapchain
from .headset import FrameTiming, HeadsetInfo, XrEvent, XrInput, XrPose, XrView
from .projection import fov_tangents
from .session_state import XrState

# a typical PC headset eye: 100 deg horizontal, asymmetric (the nose side is narrower)
DEFAULT_FOV_DEG = (-52.0, 46.0, 48.0, -50.0)  # left, right, up, down of the left eye (right eye mirrored)
STARTUP = (XrState.READY, XrState.SYNCHRONIZED, XrState.VISIBLE, XrState.FOCUSED)
STARTUP_UNFOCUSED = STARTUP[:-1]  # the headset shows the app but the trainee has not put it on yet
SHUTDOWN = (XrState.VISIBLE, XrState.SYNCHRONIZED, XrState.STOPPING, XrState.IDLE, XrState.EXITING)


@dataclass
class HeadsetTrace:
    """Per-frame recorded headset data. Arrays have one row per frame; NaN eye rows mean no eye sample."""

    display_time_ns: np.ndarray                 # [N] int64, increasing
    head_position: np.ndarray                   # [N, 3] STAGE, OpenXR axes
    head_orientation: np.ndarray                # [N, 4] (w, x, y, z)
    eye_position: np.ndarray | None = None      # [N, 3] or None: no eye tracker
    eye_orientation: np.ndarray | None = None   # [N, 4]
    eye_time_ns: np.ndarray | None = None       # [N] the tracker's sample times
    throw: np.ndarray | None = None             # [N, 2] trigger values (left, right)
    aim_position: np.ndarray | None = None      # [N, 2, 3] controller aim poses (left, right); NaN = untracked
    aim_orientation: np.ndarray | None = None   # [N, 2, 4]
    recenter: np.ndarray | None = None          # [N] bool: the recenter button held
    pause: np.ndarray | None = None             # [N] bool: the menu button held
    grip: np.ndarray | None = None              # [N, 2] grip values (left, right)
    events: dict[int, list[XrEvent]] = field(default_factory=dict)  # extra events before frame i
    ipd: float = 0.064

    def __post_init__(self):
        n = len(self.display_time_ns)
        self.display_time_ns = np.asarray(self.display_time_ns, np.int64)
        if n < 1 or np.any(np.diff(self.display_time_ns) <= 0):
            raise ValueError("display times must be a non-empty increasing sequence")
        for name, width in (("head_position", 3), ("head_orientation", 4), ("eye_position", 3),
                            ("eye_orientation", 4), ("throw", 2)):
            a = getattr(self, name)
            if a is not None:
                a = np.asarray(a, np.float64)
                if a.shape != (n, width):
                    raise ValueError(f"{name} must have shape ({n}, {width}), got {a.shape}")
                setattr(self, name, a)
        for name, shape in (("aim_position", (n, 2, 3)), ("aim_orientation", (n, 2, 4))):
            a = getattr(self, name)
            if a is not None:
                a = np.asarray(a, np.float64)
                if a.shape != shape:
                    raise ValueError(f"{name} must have shape {shape}, got {a.shape}")
                setattr(self, name, a)
        if self.recenter is not None:
            self.recenter = np.asarray(self.recenter, bool).reshape(n)
        if self.pause is not None:
            self.pause = np.asarray(self.pause, bool).reshape(n)
        if self.grip is not None:
            self.grip = np.asarray(self.grip, np.float64).reshape(n, 2)

    @property
    def eye_tracking(self) -> bool:
        return self.eye_orientation is not None

    def __len__(self) -> int:
        return len(self.display_time_ns)


def standing_trace(seconds: float, *, hz: float = 90.0, height: float = 1.8, eyes: bool = False) -> HeadsetTrace:
    """A trainee standing still and scanning: head yaw sweeping +-35 degrees every 4 s, pitch a few degrees
    down, a slight sway. With `eyes`, an eye tracker leading the head by 10 degrees toward where it turns."""
    n = max(2, int(round(seconds * hz)))
    t = np.arange(n) / hz
    ns = 1_000_000_000_000 + np.round(t * 1e9).astype(np.int64)
    yaw = np.radians(35.0) * np.sin(2 * np.pi * t / 4.0)
    pitch = np.radians(-6.0 + 2.0 * np.sin(2 * np.pi * t / 3.0))
    qy = np.stack([np.cos(yaw / 2), 0 * t, np.sin(yaw / 2), 0 * t], 1)     # about OpenXR +Y (up)
    qx = np.stack([np.cos(pitch / 2), np.sin(pitch / 2), 0 * t, 0 * t], 1)  # about OpenXR +X (right)
    from .coords import quat_multiply
    q = quat_multiply(qy, qx)
    pos = np.stack([0.03 * np.sin(2 * np.pi * t / 5.0), np.full(n, height), 0.02 * np.cos(2 * np.pi * t / 5.0)], 1)
    kw = {}
    if eyes:
        lead = yaw + np.radians(10.0) * np.cos(2 * np.pi * t / 4.0)
        kw = {"eye_position": pos.copy(), "eye_time_ns": ns - 2_000_000,
              "eye_orientation": quat_multiply(np.stack([np.cos(lead / 2), 0 * t, np.sin(lead / 2), 0 * t], 1), qx)}
    return HeadsetTrace(ns, pos, q, **kw)


class ScriptedHeadset:
    """A `HeadsetDriver` replaying a `HeadsetTrace`: the runtime starts the session before frame 0 (READY ...
    FOCUSED), delivers the trace's extra events, and shuts down (STOPPING ... EXITING) after the last frame."""

    def __init__(self, trace: HeadsetTrace, *, eye_size: tuple[int, int] = (320, 320),
                 fov_deg: tuple[float, float, float, float] = DEFAULT_FOV_DEG, auto_start: bool | str = True):
        """`auto_start`: True = the runtime starts the session and gives focus before frame 0; "unfocused" =
        it starts it without focus (the trace's events give focus later); False = it never starts it."""
        self.trace = trace
        self.info = HeadsetInfo(runtime="scripted headset", system="recorded trace", eye_size=eye_size, views=2,
                                eye_gaze=trace.eye_tracking,
                                extensions=("XR_KHR_opengl_enable",) + (("XR_EXT_eye_gaze_interaction",)
                                                                         if trace.eye_tracking else ()))
        l, r, u, d = np.radians(fov_deg)
        self.fovs = (fov_tangents(l, r, u, d), fov_tangents(-r, -l, u, d))
        self.host = PandaDisplay("offscreen", (64, 36))  # the OpenGL context, and the mirror a window would show
        self.eyes: EyeTargets | None = None
        self.swapchains: list[GLSwapchain] = []
        self.frame = -1            # index of the frame being shown
        self.tick = 0              # advances on every wait_frame and idle: drives event delivery
        self.calls: list[str] = []  # runtime calls made, in order (tests check the lifecycle)
        self.submitted: list[tuple[int, bool]] = []  # (display time, with layers)
        start = STARTUP_UNFOCUSED if auto_start == "unfocused" else STARTUP if auto_start else ()
        self._queue: list[XrEvent] = [XrEvent("state", s) for s in start]
        self._shutdown_sent = False
        self._exit_requested = False

    @property
    def window(self):
        return None

    def open(self) -> DisplayOutputs:
        """An offscreen OpenGL context, two sRGB 'swapchains' of plain textures, and the same per-eye buffers and
        draw callbacks as the real headset (`engine.xr.eye_targets`)."""
        outs = self.host.open()
        outs.engine.render_frame()  # the context is current from here on
        size = self.info.eye_size
        self.swapchains = [GLSwapchain(size) for _ in range(2)]
        self.eyes = EyeTargets(outs.engine, self.host.output, [size, size],
                               lambda k: self.swapchains[k].acquire(), lambda k: self.swapchains[k].release())
        self.eyes.add_mirror(self.host.output)
        return DisplayOutputs(outs.engine, self.eyes.targets)

    def mirror_image(self):
        """The mirror (the left eye, letterboxed) as [H, W, 3] uint8, as a desktop window would show it."""
        import numpy as np
        tex = self.host.output.get_screenshot()
        w, h = tex.get_x_size(), tex.get_y_size()
        return np.frombuffer(tex.get_ram_image_as("RGB"), np.uint8).reshape(h, w, 3)[::-1]

    def eye_image(self, k: int):
        """What eye `k` last showed (the swapchain image last released) as [H, W, 3] uint8."""
        return self.swapchains[k].read()

    def poll_events(self) -> list[XrEvent]:
        nxt = self.frame + 1
        out, self._queue = self._queue, []
        out += self.trace.events.pop(nxt, [])
        if (nxt >= len(self.trace) or self._exit_requested) and not self._shutdown_sent:
            self._shutdown_sent = True
            out += [XrEvent("state", s) for s in SHUTDOWN]
        return out

    def begin_session(self) -> None:
        self.calls.append("begin_session")

    def end_session(self) -> None:
        self.calls.append("end_session")

    def request_exit(self) -> None:
        self.calls.append("request_exit")
        self._exit_requested = True

    def idle(self) -> None:
        self.tick += 1

    def wait_frame(self) -> FrameTiming:
        self.frame = min(self.frame + 1, len(self.trace) - 1)
        self.tick += 1
        t = self.trace.display_time_ns
        period = int(t[1] - t[0]) if len(t) > 1 else 11_111_111
        return FrameTiming(int(t[self.frame]), period, True)

    def begin_frame(self) -> None:
        self.calls.append("begin_frame")
        if self.eyes is not None:
            self.eyes.begin(True)

    def locate(self, display_time_ns: int) -> tuple[list[XrView], XrPose | None]:
        i, tr = self.frame, self.trace
        p, q = tr.head_position[i], tr.head_orientation[i]
        head = XrPose(tuple(p), tuple(q), display_time_ns)
        views = []
        for k, side in enumerate((-0.5, 0.5)):
            eye = p + quat_rotate(q, np.array([side * tr.ipd, 0.0, 0.0]))
            views.append(XrView(XrPose(tuple(eye), tuple(q), display_time_ns), self.fovs[k]))
        return views, head

    def sync_input(self, display_time_ns: int) -> XrInput:
        i, tr = self.frame, self.trace
        eye = None
        if tr.eye_tracking and np.all(np.isfinite(tr.eye_orientation[i])):
            t = int(tr.eye_time_ns[i]) if tr.eye_time_ns is not None else display_time_ns
            eye = XrPose(tuple(tr.eye_position[i]), tuple(tr.eye_orientation[i]), t)
        throw = tuple(float(v) for v in tr.throw[i]) if tr.throw is not None else (0.0, 0.0)
        aim = [None, None]
        if tr.aim_orientation is not None:
            for h in (0, 1):
                if np.all(np.isfinite(tr.aim_orientation[i, h])) and np.all(np.isfinite(tr.aim_position[i, h])):
                    aim[h] = XrPose(tuple(tr.aim_position[i, h]), tuple(tr.aim_orientation[i, h]), display_time_ns)
        rc = bool(tr.recenter[i]) if tr.recenter is not None else False
        grip = tuple(float(v) for v in tr.grip[i]) if tr.grip is not None else (0.0, 0.0)
        pause = bool(tr.pause[i]) if tr.pause is not None else False
        return XrInput(throw=throw, aim=tuple(aim), recenter=rc, eye=eye, grip=grip, pause=pause)

    def end_frame(self, display_time_ns: int, views: list[XrView] | None) -> None:
        drawn = self.eyes is not None and self.eyes.all_drawn
        self.submitted.append((display_time_ns, views is not None and drawn))
        if self.eyes is not None:
            self.eyes.enabled = False

    def close(self) -> None:
        self.host.close()
