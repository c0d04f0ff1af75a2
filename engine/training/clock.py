"""Frame clocks: which play time the next frame of a rep shows.

Fixed-step offscreen (`FixedStepClock`: tests, benchmarks, headless demos), wall-clock on a desktop
(`RealTimeClock`), the runtime's predicted display time in a headset (`engine.xr.clock.HeadsetClock`).
"""

from __future__ import annotations

import time
from typing import Protocol, runtime_checkable


@runtime_checkable
class FrameClock(Protocol):
    """Play time of each frame of a rep. Implementations subclass it to inherit the defaults."""

    fps: float | None = None  # frames per play second when fixed (recorded in the session header), else None

    def start(self, t0: float) -> None:
        """A rep starts at play time `t0`."""
        ...

    def next(self) -> float | None:
        """The play time of the next frame; None: no frame to show now (e.g. a headset not yet visible)."""
        ...

    def abandon(self) -> None:
        """The rep ended between `next()` and drawing that frame (a headset must still hand its frame back)."""


class FixedStepClock(FrameClock):
    """`fps` frames per play second; with `pace`, frames are held back to real time (never ahead of it)."""

    def __init__(self, fps: float = 60.0, *, pace: bool = False):
        self.fps, self.pace = float(fps), pace
        self.t0, self.k, self.w0 = 0.0, 0, 0.0

    def start(self, t0: float) -> None:
        self.t0, self.k, self.w0 = float(t0), 0, time.monotonic()

    def next(self) -> float:
        if self.pace:
            wait = self.w0 + self.k / self.fps - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        t = round(self.t0 + self.k / self.fps, 6)  # whole microseconds: frame 2.4 s is exactly 2.4
        self.k += 1
        return t


class RealTimeClock(FrameClock):
    """Play time follows the wall clock (a desktop rep at the speed of the real play)."""

    def __init__(self, max_fps: float = 120.0):
        self.min_dt = 1.0 / max_fps
        self.t0, self.w0, self.last = 0.0, 0.0, 0.0

    def start(self, t0: float) -> None:
        self.t0, self.w0 = float(t0), time.monotonic()
        self.last = self.w0 - self.min_dt

    def next(self) -> float:
        now = time.monotonic()
        if now - self.last < self.min_dt:
            time.sleep(self.min_dt - (now - self.last))
            now = time.monotonic()
        self.last = now
        return self.t0 + (now - self.w0)
