"""Interactive review of a play on the desktop: play/pause, scrub, speed, camera switch, HUD and timeline.

Keys: space play/pause; left/right step 0.1 s (shift: 1 s); [ and ] halve/double the speed; 1-5 cameras
(qb, all22, endzone, sideline, free); home back to the start; L toggles looping; esc or q quits.
In the free camera, drag with the left mouse button to orbit and use the wheel to zoom.
"""

from __future__ import annotations

from panda3d.core import MouseButton

from replay.play import Play
from replay.timebase import Timeline
from scenes.cameras import CAMERAS

from .app import PlayView, run_loop, update_frame
from .input import KeyboardMouse

SPEEDS = (0.125, 0.25, 0.5, 1.0, 2.0, 4.0)


class ReviewController:
    """Turns key and mouse events into timeline and camera changes (no rendering: testable with fake input)."""

    def __init__(self, view: PlayView, timeline: Timeline):
        self.view = view
        self.timeline = timeline
        self.running = True
        self._drag_from: tuple[float, float] | None = None

    def handle(self, event: str) -> None:
        tl, v = self.timeline, self.view
        name = event.removesuffix("-repeat")
        if name in ("escape", "q"):
            self.running = False
        elif name == "space":
            tl.toggle_pause()
        elif name in ("arrow_right", "arrow_left", "shift-arrow_right", "shift-arrow_left"):
            step = 1.0 if name.startswith("shift") else 0.1
            tl.pause()
            tl.step(step if name.endswith("right") else -step)
        elif name in ("[", "]"):
            i = min(range(len(SPEEDS)), key=lambda k: abs(SPEEDS[k] - tl.speed))
            i = max(0, i - 1) if name == "[" else min(len(SPEEDS) - 1, i + 1)
            tl.set_speed(SPEEDS[i])
        elif name in ("1", "2", "3", "4", "5"):
            v.set_camera(CAMERAS[int(name) - 1])
        elif name == "home":
            tl.seek(tl.start)
        elif name == "l":
            tl.loop = not tl.loop
        elif name == "wheel_up" and v.camera == "free":
            v.orbit.zoom(1)
        elif name == "wheel_down" and v.camera == "free":
            v.orbit.zoom(-1)

    def drag(self, mouse: tuple[float, float] | None, held: bool) -> None:
        if self.view.camera != "free" or mouse is None or not held:
            self._drag_from = None
            return
        if self._drag_from is not None:
            self.view.orbit.drag((mouse[0] - self._drag_from[0]) / 2, (mouse[1] - self._drag_from[1]) / 2)
        self._drag_from = mouse


def review_interactive(view: PlayView, play: Play, timeline: Timeline) -> None:
    """Run the review window until the user quits or closes it."""
    window = view.renderer.backend.window
    if window is None:
        raise RuntimeError("interactive review needs a window backend")
    keys = KeyboardMouse(window)
    ctl = ReviewController(view, timeline)

    def step(dt: float) -> bool:
        for ev in keys.poll():
            ctl.handle(ev)
        ctl.drag(keys.mouse(), keys.is_down(MouseButton.one()))
        view.speed, view.paused = timeline.speed, timeline.paused
        update_frame(view, timeline.now())
        return ctl.running

    run_loop(view, step)
