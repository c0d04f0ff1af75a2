"""Interactive review of a play on the desktop: play/pause, scrub, speed, camera switch, HUD and timeline.

Keys: space play/pause; left/right step 0.1 s (shift: 1 s); [ and ] halve/double the speed; 1-5 cameras
(qb, all22, endzone, sideline, free); home back to the start; L toggles looping; esc or q quits.
Drag on the timeline to scrub; drag anywhere else to orbit (the free camera takes over from the current one);
the wheel zooms the free camera.
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
        self._scrubbing = False

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
        """Left button held: on the timeline it scrubs; elsewhere it orbits (switching to the free camera, which
        starts where the current camera is)."""
        if mouse is None or not held:
            self._drag_from = None
            self._scrubbing = False
            return
        hud = self.view.hud
        t = None
        if hud is not None and (self._drag_from is None or self._scrubbing):
            t = hud.time_at(*mouse, anywhere=self._scrubbing)
        if t is not None:
            self._scrubbing = True
            self.timeline.seek(t)
            self._drag_from = mouse
            return
        if self._scrubbing:
            return
        if self._drag_from is not None:
            dx, dy = mouse[0] - self._drag_from[0], mouse[1] - self._drag_from[1]
            if self.view.camera != "free" and abs(dx) + abs(dy) > 0.01:
                self.view.set_camera("free")
            if self.view.camera == "free":
                self.view.orbit.drag(dx / 2, dy / 2)
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
        view.speed, view.paused, view.loop = timeline.speed, timeline.paused, timeline.loop
        update_frame(view, timeline.now())
        return ctl.running

    run_loop(view, step)
