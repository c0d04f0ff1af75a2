"""The headset experience around the reps: what happens in the headset between one rep and the next.

After a rep: the result panel floats in front of the trainee over the rep's last frame (the outcome, his decision
time and CP against the best available and the real QB's choice; the trigger moves on), then the instant replay
shows the last seconds from the all-22 camera - in a headset the trainee becomes a giant standing behind the
offense, his eyes at the camera's height, looking down at the play (`engine.app.update_frame` scales and places
the rig; his head still moves the view) - until its end or a trigger / menu button press. Then the play fades
out; a ready panel floats in front of the trainee with the last rep's result and
"pull the trigger when set"; when he pulls it, the headset recentres on where he stands and faces (that spot and
heading become the real QB's spot, facing downfield) and the next rep fades in. After the last rep the panel shows
the result for `LAST_RESULT_S`. During a rep: his controllers are drawn where they are, the menu button pauses and
resumes the play clock (a "paused" panel meanwhile), and focus loss (the runtime's dashboard, the headset taken
off) pauses it too (`HeadsetBackend`). The runtime paces every frame here as in the rep (xrWaitFrame).
"""

from __future__ import annotations

import time

import numpy as np

from .clock import NS
from .coords import look_rotation, panda_heading
from .headset import HeadsetBackend, HeadsetFrame

FADE_S = 0.4
LAST_RESULT_S = 2.0
RESULT_S = 4.0  # s the result panel stays up after a rep before the instant replay (the trigger moves on)
READY_TEXT = "pull the trigger when set"
PAUSED_TEXT = "PAUSED\npress the menu button to resume"
RESULT_HINT = "trigger: instant replay"
REPLAY_TEXT = "INSTANT REPLAY\ntrigger or menu button skips"
READY_HOLD = 0.75  # trigger value that starts the next rep


class SkipButton:
    """The trainee moves on: a trigger (or grip) pull - once a pull still held from before was let go - or the
    menu button."""

    def __init__(self):
        self.armed = False

    def pressed(self, f: HeadsetFrame) -> bool:
        if f.pause_pressed:
            return True
        pulled = max(f.hold) >= READY_HOLD
        if self.armed and pulled:
            self.armed = False  # this pull moved on once; the next step waits for it to be let go
            return True
        self.armed = self.armed or max(f.hold) < READY_HOLD / 2
        return False


class HeadsetFlow:
    """Installs itself on a `HeadsetBackend` (every sampled frame poses the controllers, steps a fade in and
    shows the paused panel); `between_reps` runs the interlude after a rep."""

    def __init__(self, renderer, backend: HeadsetBackend):
        from scenes.headset_panel import ControllerModels, Fade, HeadsetPanel

        self.renderer, self.backend = renderer, backend
        self.panel = HeadsetPanel(renderer.rig)
        self.controllers = ControllerModels(renderer.rig)
        self.fade = Fade(renderer.rig)
        self._fade_in_from: int | None = None   # display time the fade in started
        self._pause_shown = False
        self._overhead = False                  # the instant replay runs (the rig scaled up over the field)
        self._skip: SkipButton | None = None    # the result panel's skip button, handed on to the replay
        self.interludes: list[dict] = []        # what each interlude showed and how it ended (for tests, logs)
        backend.on_frame.append(self.on_frame)

    # ------------------------------------------------------------ every frame
    def on_frame(self, f: HeadsetFrame) -> None:
        if self._fade_in_from == -1:            # the first frame of the next rep: the fade in starts now
            self._fade_in_from = f.display_time_ns
        hands = [None, None] if self._overhead else f.aim  # from above, his hands would be a giant's, in the way
        self.controllers.update([None if a is None else (a[0], look_rotation(a[1])) for a in hands])
        if self._fade_in_from is not None:
            k = (f.display_time_ns - self._fade_in_from) / NS / FADE_S
            self.fade.set(k)
            if k >= 1.0:
                self._fade_in_from = None
        if self.backend.user_paused and not self._pause_shown:
            self._show(PAUSED_TEXT, f)
            self._pause_shown = True
        elif self._pause_shown and not self.backend.user_paused:
            self.panel.hide()
            self._pause_shown = False

    def _show(self, text: str, f: HeadsetFrame | None) -> None:
        head = np.asarray(f.head.position if f is not None else (0.0, 0.0, 1.7), np.float64)
        heading = float(panda_heading(np.asarray(f.head.orientation, np.float64))) if f is not None else 0.0
        self.panel.show(text, head, heading)

    # ------------------------------------------------------------ after a rep: result and instant replay
    def show_result(self, text: str, seconds: float = RESULT_S) -> bool:
        """The result panel in front of the trainee over the rep's last frame, for `seconds` of display time or
        until he pulls the trigger (or presses the menu button). False when the session closed meanwhile."""
        self._show(f"{text}\n\n{RESULT_HINT}", self.backend.last)
        skip = self._skip = SkipButton()  # shared with the replay: a trigger let go here may skip it at once
        ok = self._frames_for(seconds, lambda f, k: self._skipped(skip, f))
        self.panel.hide()
        return ok

    def replay_ticks(self, seconds: float):
        """Yields, per display frame (waited for, to be drawn by the caller), the seconds of the replay shown
        there: display time since the first frame, up to `seconds` (the last value); stops early when the
        trainee skips or the session closes. A "replay" panel says how to skip while it runs."""
        self._show(REPLAY_TEXT, self.backend.last)
        skip, self._skip = self._skip or SkipButton(), None
        t0 = None
        self._overhead = True
        try:
            while not self.backend.should_close():
                f = self.backend.wait()
                if f is None:
                    continue
                if self._skipped(skip, f):
                    return
                t0 = f.display_time_ns if t0 is None else t0
                k = min(seconds, (f.display_time_ns - t0) / NS)
                yield k
                if k >= seconds:
                    return
        finally:
            self.backend.skip_frame()  # a frame waited for and not drawn (skipped, or the caller stopped)
            self.panel.hide()
            self._overhead = False

    def _skipped(self, skip: SkipButton, f: HeadsetFrame) -> bool:
        """The skip button on frame `f`; the menu button here skips rather than pausing a rep that is over."""
        if not skip.pressed(f):
            return False
        if f.pause_pressed:
            self.backend.user_paused = False
            self._pause_shown = False
        return True

    # ------------------------------------------------------------ between reps
    def between_reps(self, result: str, next_rep: str | None) -> bool:
        """Fade out, show `result` and (when there is a next rep, `next_rep` its label) wait for the trigger,
        recentre, and arm the next rep's fade in. False when the session closed meanwhile."""
        self._fade_in_from = None
        if not self._frames_for(FADE_S, lambda f, k: self.fade.set(1.0 - k)):
            return False
        record = {"result": result, "next": next_rep, "started": time.monotonic()}
        self.interludes.append(record)
        if next_rep is None:
            self._show(f"{result}\n\nsession over", self.backend.last)
            ok = self._frames_for(LAST_RESULT_S, lambda f, k: None)
            self.panel.hide()
            return ok
        self._show(f"last rep: {result}\n\nnext: {next_rep}\n{READY_TEXT}", self.backend.last)
        armed = False  # a trigger still held from the throw must be let go first
        while True:
            f = self._frame()
            if f is None:
                return False
            pulled = max(f.hold) >= READY_HOLD
            if armed and pulled:
                break
            armed = armed or max(f.hold) < READY_HOLD / 2
        record["ready"] = time.monotonic()
        self.panel.hide()
        self.backend.recenter()                 # where he stands now is the QB's spot, facing downfield
        self.fade.set(0.0)
        self._fade_in_from = -1                 # armed: starts at the next rep's first frame
        return True

    def _frame(self) -> HeadsetFrame | None:
        """Wait for, draw and return the next headset frame; None when the session closed."""
        while True:
            if self.backend.should_close():
                return None
            f = self.backend.wait()
            if f is not None:
                self.renderer.render()
                return f

    def _frames_for(self, seconds: float, step) -> bool:
        """Draw frames for `seconds` of display time, `step(frame, fraction)` before each (True from it: stop
        there, the frame not drawn)."""
        t0 = None
        while True:
            if self.backend.should_close():
                return False
            f = self.backend.wait()
            if f is None:
                continue
            t0 = f.display_time_ns if t0 is None else t0
            k = min(1.0, (f.display_time_ns - t0) / NS / seconds)
            if step(f, k):
                self.backend.skip_frame()
                return True
            self.renderer.render()
            if k >= 1.0:
                return True

    def close(self) -> None:
        if self.on_frame in self.backend.on_frame:
            self.backend.on_frame.remove(self.on_frame)
        self.panel.remove()
        self.controllers.remove()
        self.fade.remove()
