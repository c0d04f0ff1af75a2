"""The headset display backend: an OpenXR session behind the renderer's `DisplayBackend` interface.

`HeadsetBackend` holds everything that does not talk to the runtime: the session state machine, play time from
predicted display times, OpenXR-to-Panda3D poses, recentring, head or eye gaze, trigger throws. A *driver* does
the runtime calls: `engine.xr.openxr_driver.OpenXRDriver` (pyopenxr, a real headset) or
`engine.xr.scripted.ScriptedHeadset` (recorded poses, for tests and machines without a headset). Both speak
OpenXR's conventions (Y up, XrTime nanoseconds), so the scripted headset exercises the same conversions.

Frame order (Panda3D's task order in a headset app): poll events -> wait frame (the runtime paces the loop)
-> begin frame -> locate views and input at the predicted display time -> update the play at that time -> render
each eye -> end frame. The renderer calls `begin_frame` inside `render()`, after the play was updated, so a
headset loop calls `wait()` first (see `run_headset_loop`) and `begin_frame` reuses that frame.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Protocol

import numpy as np

from engine.backends.interface import DisplayOutputs, FovTangents, Pose, ViewParams

from .bindings import TriggerLatch
from .clock import DisplayClock
from .coords import xr_position_to_panda, xr_quat_to_panda
from .session_state import Command, SessionStateMachine
from .tracking import Recenter, gaze_ray

IDLE_SLEEP_S = 0.02  # between event polls while the session is not running (no xrWaitFrame to pace us)


# ------------------------------------------------------------------ what a driver reports (OpenXR conventions)

@dataclass(frozen=True)
class HeadsetInfo:
    runtime: str
    system: str
    eye_size: tuple[int, int]
    views: int = 2
    eye_gaze: bool = False
    extensions: tuple[str, ...] = ()


@dataclass(frozen=True)
class XrPose:
    """A pose in the STAGE space, OpenXR axes: position (x, y, z) and orientation (w, x, y, z)."""

    position: tuple[float, float, float]
    orientation: tuple[float, float, float, float]
    time_ns: int = 0  # when it was sampled (the eye tracker's own sample time for gaze)


@dataclass(frozen=True)
class XrView:
    pose: XrPose
    fov: FovTangents


@dataclass(frozen=True)
class FrameTiming:
    display_time_ns: int
    period_ns: int
    should_render: bool
    woke_ns: int = 0  # the runtime's clock when xrWaitFrame returned (0: the runtime cannot tell)


@dataclass(frozen=True)
class XrInput:
    throw: tuple[float, float] = (0.0, 0.0)               # trigger value per hand (left, right)
    aim: tuple[XrPose | None, XrPose | None] = (None, None)
    recenter: bool = False
    eye: XrPose | None = None                             # None: no eye tracker or no valid sample
    grip: tuple[float, float] = (0.0, 0.0)                # grip value per hand (0 where the controller has none)
    pause: bool = False                                   # the menu button held


class RuntimeLost(Exception):
    """A runtime call failed because the runtime is gone (instance or session lost, runtime crashed): the
    backend saves and leaves as on an instance-loss event."""


@dataclass(frozen=True)
class XrEvent:
    kind: str               # "state" or "instance_loss"
    state: int = 0


class HeadsetDriver(Protocol):
    info: HeadsetInfo

    @property
    def window(self): ...

    def open(self) -> DisplayOutputs: ...

    def poll_events(self) -> list[XrEvent]: ...

    def begin_session(self) -> None: ...

    def end_session(self) -> None: ...

    def request_exit(self) -> None: ...

    def idle(self) -> None: ...

    def wait_frame(self) -> FrameTiming: ...

    def begin_frame(self) -> None: ...

    def locate(self, display_time_ns: int) -> tuple[list[XrView], XrPose | None]: ...

    def sync_input(self, display_time_ns: int) -> XrInput: ...

    def end_frame(self, display_time_ns: int, views: list[XrView] | None) -> None: ...

    def close(self) -> None: ...


# ------------------------------------------------------------------ what the training loop reads (Panda3D axes)

@dataclass(frozen=True)
class GazeSample:
    """A gaze ray relative to the rig (Panda3D axes): from the eye tracker when it has a valid sample, else the
    head's forward direction. `time_ns` is the eye tracker's sample time or the frame's display time."""

    source: str                 # "eye" or "head"
    origin: np.ndarray
    direction: np.ndarray
    time_ns: int


@dataclass(frozen=True)
class HeadsetFrame:
    display_time_ns: int
    play_time: float
    head: Pose
    gaze: GazeSample
    aim: tuple[tuple[np.ndarray, np.ndarray] | None, tuple[np.ndarray, np.ndarray] | None]
    throw_hand: int | None      # 0 left, 1 right: the trigger crossed the threshold this frame
    should_render: bool
    hold: tuple[float, float] = (0.0, 0.0)  # per hand the larger of trigger and grip (a throw with the arm)
    pause_pressed: bool = False  # the menu button went down this frame


def _panda_pose(p: XrPose) -> tuple[np.ndarray, np.ndarray]:
    return xr_position_to_panda(p.position), xr_quat_to_panda(p.orientation)


def _as_pose(position: np.ndarray, orientation: np.ndarray) -> Pose:
    return Pose(tuple(float(v) for v in position), tuple(float(v) for v in orientation))


class HeadsetBackend:
    """A `DisplayBackend` for an OpenXR headset (see the module docstring)."""

    name = "xr"
    tracked = True

    def __init__(self, driver: HeadsetDriver, *, clock: DisplayClock | None = None):
        self.driver = driver
        self.states = SessionStateMachine()
        self.clock = clock or DisplayClock()
        self.recenter_pose: Recenter | None = None
        self.commands: list[Command] = []       # PAUSE_REP / RESUME_REP / SAVE_AND_EXIT for the training loop
        self.frame: HeadsetFrame | None = None  # the frame waited for and not yet ended
        self.last: HeadsetFrame | None = None
        self.frames = 0
        self.period_ns = 0                      # the runtime's display period, from the last xrWaitFrame
        self.gaze_sources = {"eye": 0, "head": 0}
        self.timings: list[FrameTiming] = []    # every waited frame's timing (xr-check's report)
        self._views: list[XrView] | None = None
        self._pending = False
        self._latches = (TriggerLatch(), TriggerLatch())
        self._recenter_down = False
        self._pause_down = False
        self.user_paused = False                # the trainee paused the rep with the menu button
        self.on_frame: list[Callable[[HeadsetFrame], None]] = []  # called with every sampled frame (the flow)
        self._closed = False
        self._exit_requested = False
        self.on_command: list[Callable[[Command], None]] = []

    # ---------------------------------------------------------------- DisplayBackend
    @property
    def info(self) -> HeadsetInfo:
        return self.driver.info

    @property
    def window(self):
        return self.driver.window

    def open(self) -> DisplayOutputs:
        return self.driver.open()

    def begin_frame(self) -> list[ViewParams] | None:
        if not self._pending:
            self.wait()
        if not self._pending:
            return None
        f = self.frame
        if f is None or not f.should_render or not self._views:
            self._submit(None)
            return None
        rc = self.recenter_pose or Recenter()
        out = []
        for v in self._views:
            pos, quat = rc.apply(*_panda_pose(v.pose))
            out.append(ViewParams(_as_pose(pos, quat), v.fov))
        return out

    def end_frame(self) -> None:
        if self._pending:
            self._submit(self._views)

    def head_pose(self) -> Pose | None:
        """The head of the frame being prepared (waited for, not yet drawn), else of the last one drawn."""
        f = self.frame or self.last
        return f.head if f is not None else None

    def should_close(self) -> bool:
        win = self.window
        if win is not None and win.is_closed():  # the desktop mirror window was closed: quit the session
            self.request_exit()
            return True
        return self._closed or self.states.should_exit

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.driver.close()

    @property
    def stopped_by_runtime(self) -> str | None:
        """Why the runtime ended the session (lost, exiting, gone), None when it was not the runtime."""
        r = self.states.exit_reason
        return None if r is None or r == "the trainee quit" or self._exit_requested else r

    def _runtime_lost(self, e: RuntimeLost) -> None:
        """A runtime call failed: the runtime is gone. Pause, save and leave (no more runtime calls but close)."""
        self._pending = False
        self.frame = None
        if self.states.exit_reason is None:
            for c in self.states.on_instance_loss():
                if c == Command.PAUSE_REP and self.last is not None:
                    self.clock.pause(self.last.display_time_ns)
                self.commands.append(c)
            self.states.exit_reason = f"the OpenXR runtime failed ({e})"

    # ---------------------------------------------------------------- headset specifics
    @property
    def paused(self) -> bool:
        """The rep is not running: the session is not FOCUSED (not started yet, dashboard up, headset off)."""
        return not self.states.focused

    @property
    def gaze_source(self) -> str:
        """What the gaze samples came from so far: "eye", "head", or "mixed" (the tracker lost the eyes at
        times, or eye tracking is unsupported: then always "head")."""
        e, h = self.gaze_sources["eye"], self.gaze_sources["head"]
        return "mixed" if e and h else ("eye" if e else "head")

    def start_clock(self, start: float, speed: float = 1.0) -> None:
        """Play time `start` at the next frame's display time (call when a rep begins)."""
        self.clock = DisplayClock(start, speed)
        self.user_paused = False

    def request_exit(self) -> None:
        """The trainee quits: ask the runtime to end the session (it answers STOPPING, then EXITING)."""
        if self._exit_requested:
            return
        self._exit_requested = True
        if self.states.running:
            self.driver.request_exit()
        else:
            self.states.exit_reason = self.states.exit_reason or "the trainee quit"

    def recenter(self) -> None:
        """Recentre on the head's current spot and heading at the next frame."""
        self.recenter_pose = None

    def poll(self) -> list[Command]:
        """Handle the runtime's events; returns the commands the training loop must act on."""
        out: list[Command] = []
        for ev in self.driver.poll_events():
            cmds = (self.states.on_instance_loss() if ev.kind == "instance_loss"
                    else self.states.on_state(ev.state))
            for c in cmds:
                if c == Command.BEGIN_SESSION:
                    self.driver.begin_session()
                elif c == Command.END_SESSION:
                    self.driver.end_session()
                else:
                    if c == Command.PAUSE_REP and self.last is not None:
                        self.clock.pause(self.last.display_time_ns)
                    out.append(c)
        self.commands += out
        for c in out:
            for cb in self.on_command:
                cb(c)
        return out

    def wait(self) -> HeadsetFrame | None:
        """Poll events, then (while the session runs) wait for the next frame and sample the head, eyes and
        controllers at its predicted display time. None when there is no frame (session not running)."""
        if self._pending:
            return self.frame
        try:
            return self._wait()
        except RuntimeLost as e:
            self._runtime_lost(e)
            return None

    def _wait(self) -> HeadsetFrame | None:
        self.poll()
        if not self.states.running or self.states.should_exit:
            self.driver.idle()
            return None
        timing = self.driver.wait_frame()
        self.timings.append(timing)
        self.period_ns = timing.period_ns
        self.driver.begin_frame()
        self._pending = True
        t = timing.display_time_ns
        views, head = self.driver.locate(t)
        self._views = views
        inp = self.driver.sync_input(t) if self.states.focused else XrInput()
        self.frame = self._sample(timing, views, head, inp)
        for cb in self.on_frame:
            cb(self.frame)
        return self.frame

    def _sample(self, timing: FrameTiming, views: list[XrView], head: XrPose | None, inp: XrInput) -> HeadsetFrame:
        t = timing.display_time_ns
        if head is None and views:
            # the head between the eyes, oriented like the first eye
            pos = np.mean([v.pose.position for v in views], axis=0)
            head = XrPose(tuple(pos), views[0].pose.orientation, t)
        hp, hq = _panda_pose(head) if head is not None else (np.zeros(3), np.array([1.0, 0, 0, 0]))
        if self.recenter_pose is None or (inp.recenter and not self._recenter_down):
            self.recenter_pose = Recenter.at(hp, hq)
        self._recenter_down = inp.recenter
        rc = self.recenter_pose
        head_p, head_q = rc.apply(hp, hq)
        if inp.eye is not None:
            ep, eq = rc.apply(*_panda_pose(inp.eye))
            o, d = gaze_ray(ep, eq)
            gaze = GazeSample("eye", o, d, inp.eye.time_ns or t)
        else:
            o, d = gaze_ray(head_p, head_q)
            gaze = GazeSample("head", o, d, t)
        self.gaze_sources[gaze.source] += 1
        aims = tuple(gaze_ray(*rc.apply(*_panda_pose(a))) if a is not None else None for a in inp.aim)
        fired = [latch.update(v) for latch, v in zip(self._latches, inp.throw)]
        hand = 1 if fired[1] else (0 if fired[0] else None)
        pause = inp.pause and not self._pause_down
        self._pause_down = inp.pause
        if pause:  # the menu button pauses the play clock, and resumes it without a jump
            self.user_paused = not self.user_paused
            if self.user_paused:
                self.clock.pause(t)
        if self.clock.paused and self.states.focused and not self.user_paused:
            self.clock.resume(t)
        # the rep starts when the trainee first has focus: until then the play waits at its first frame
        play_t = self.clock.play_time(t) if self.states.has_focused else self.clock.start
        hold = tuple(max(a, b) for a, b in zip(inp.throw, inp.grip))
        return HeadsetFrame(t, play_t, _as_pose(head_p, head_q), gaze, aims, hand, timing.should_render, hold, pause)

    def skip_frame(self) -> None:
        """End a waited frame without drawing it (xrEndFrame with no layers)."""
        if self._pending:
            self._submit(None)

    def _submit(self, views: list[XrView] | None) -> None:
        f = self.frame
        try:
            self.driver.end_frame(f.display_time_ns if f else 0, views)
        except RuntimeLost as e:
            self._runtime_lost(e)
        self._pending = False
        self.frames += 1
        self.last = f
        self.frame = None


def run_headset_loop(backend: HeadsetBackend, step: Callable[[HeadsetFrame], bool], render: Callable[[], bool],
                     *, max_frames: int | None = None, max_wait_s: float | None = None) -> int:
    """Drive a headset in Panda3D's task order: wait for the frame, `step(frame)` (update the play at
    `frame.play_time`, measure gaze; False stops), `render()` (the renderer: begin frame, draw eyes, end frame).
    Without a running session it keeps polling events (the headset is off, the runtime's menu is up), for at most
    `max_wait_s` seconds in a row when given. Returns the number of frames stepped."""
    n = 0
    waiting_since: float | None = None
    while not backend.should_close():
        frame = backend.wait()
        if frame is None:
            now = time.monotonic()
            waiting_since = waiting_since if waiting_since is not None else now
            if max_wait_s is not None and now - waiting_since > max_wait_s:
                break
            continue
        waiting_since = None
        if not step(frame):
            backend.skip_frame()
            break
        render()
        n += 1
        if max_frames is not None and n >= max_frames:
            break
    return n
