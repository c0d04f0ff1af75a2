"""Play time from OpenXR display times.

Every headset frame comes with the time its photons will reach the eyes (`predicted_display_time`, an XrTime in
nanoseconds). Play time and gaze samples use that time, not the time the CPU happened to run: the player sees
the play at exactly the instant the frame is shown. The clock anchors play time to the first display time,
stops while the rep is paused (focus lost, headset off) and resumes without a jump. `HeadsetClock` is the
training loop's frame clock in a headset.
"""

from __future__ import annotations

from engine.training.clock import FrameClock

NS = 1_000_000_000


def xr_seconds(xr_time_ns: int) -> float:
    """An XrTime (nanoseconds, runtime epoch) in seconds."""
    return int(xr_time_ns) / NS


class DisplayClock:
    """Play time (seconds) as a function of predicted display time (XrTime ns)."""

    def __init__(self, start: float = 0.0, speed: float = 1.0):
        if speed <= 0:
            raise ValueError(f"speed must be positive, got {speed}")
        self.start = float(start)
        self.speed = float(speed)
        self._anchor_ns: int | None = None   # display time at which play time was `_anchor_t`
        self._anchor_t = self.start
        self._paused_at: float | None = None
        self._last_ns: int | None = None

    @property
    def started(self) -> bool:
        return self._anchor_ns is not None

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    def play_time(self, xr_time_ns: int) -> float:
        """Play time of the frame shown at `xr_time_ns`; the first call anchors the clock at `start`.
        Display times that go backwards (a runtime re-syncing) hold play time rather than rewind it."""
        ns = int(xr_time_ns)
        if self._last_ns is not None and ns < self._last_ns:
            ns = self._last_ns
        self._last_ns = ns
        if self._anchor_ns is None:
            self._anchor_ns = ns
        if self._paused_at is not None:
            return self._paused_at
        return self._anchor_t + (ns - self._anchor_ns) / NS * self.speed

    def pause(self, xr_time_ns: int) -> float:
        """Freeze play time at its value at `xr_time_ns`; returns it."""
        if self._paused_at is None:
            self._paused_at = self.play_time(xr_time_ns)
        return self._paused_at

    def resume(self, xr_time_ns: int) -> float:
        """Continue from the frozen play time at display time `xr_time_ns`, without a jump."""
        if self._paused_at is not None:
            t = self._paused_at
            self._paused_at = None
            self._anchor_ns = max(int(xr_time_ns), self._last_ns or int(xr_time_ns))
            self._last_ns = self._anchor_ns
            self._anchor_t = t
        return self.play_time(xr_time_ns)


class HeadsetClock(FrameClock):
    """Play time of a headset frame: the runtime paces the loop (xrWaitFrame) and play time comes from the
    frame's predicted display time (`engine.xr.headset.HeadsetBackend`)."""

    def __init__(self, backend):
        self.backend = backend

    def start(self, t0: float) -> None:
        self.backend.start_clock(t0)

    def next(self) -> float | None:
        f = self.backend.wait()
        if f is None or not f.should_render:
            if f is not None:
                self.backend.skip_frame()
            return None
        return float(f.play_time)

    def abandon(self) -> None:
        """The rep ended on a waited frame that will not be drawn."""
        self.backend.skip_frame()
