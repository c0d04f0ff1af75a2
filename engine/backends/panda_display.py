"""The desktop window and the headless offscreen buffer: one backend class, two pipes.

`PandaDisplay("window")` opens an OpenGL window (X11 `pandagl`); `PandaDisplay("offscreen")` renders into an
EGL offscreen buffer (`p3headlessgl`, works without any display server). Everything after the output exists is
the same code. With `views=2` the output is split side by side into a left and a right eye (stereo), with the
eyes `ipd` metres apart: what a headset costs the renderer, measurable on any machine.
"""

from __future__ import annotations

import os

from panda3d.core import (
    FrameBufferProperties,
    GraphicsEngine,
    GraphicsOutput,
    GraphicsPipe,
    GraphicsPipeSelection,
    GraphicsWindow,
    WindowProperties,
    load_prc_file_data,
)

from .interface import DisplayOutputs, DisplayUnavailable, Pose, ViewParams, ViewTarget

MODES = ("window", "offscreen")
PIPE_MODULES = {"window": "pandagl", "offscreen": "p3headlessgl"}
_configured = False
# One pipe per mode for the whole process: a headless pipe terminates the process-wide EGL display when it is
# destroyed, which would break every other open buffer. Pipes are cheap to keep; outputs come and go.
_pipes: dict[str, GraphicsPipe] = {}


def configure_panda() -> None:
    """Process-wide Panda3D settings for qbvr: no audio, no vsync (the loop paces itself), quiet display."""
    global _configured
    if not _configured:
        load_prc_file_data("qbvr", "audio-library-name null\nsync-video 0\nnotify-level-display error\n"
                           "notify-level-glgsg error\nframebuffer-srgb 0\ntextures-power-2 none\n")
        _configured = True


def _pipe(mode: str) -> GraphicsPipe | None:
    """The process's pipe for a mode, made on first use; None when it cannot work (no X server, no EGL)."""
    pipe = _pipes.get(mode)
    if pipe is None:
        pipe = GraphicsPipeSelection.get_global_ptr().make_module_pipe(PIPE_MODULES[mode])
        if pipe is None or not pipe.is_valid():
            return None
        _pipes[mode] = pipe
    return pipe


def display_available() -> bool:
    """True when a desktop window can open: DISPLAY is set and its X server answers (a stale DISPLAY, e.g. from
    a closed ssh -X session, must not make `auto` choose a window that cannot open)."""
    if not os.environ.get("DISPLAY"):
        return False
    configure_panda()
    return _pipe("window") is not None


def auto_mode() -> str:
    return "window" if display_available() else "offscreen"


class PandaDisplay:
    """A window or an offscreen buffer of `size` (per view), mono (`views=1`) or side-by-side stereo (2)."""

    tracked = False

    def __init__(self, mode: str = "offscreen", size: tuple[int, int] = (1280, 720), *, views: int = 1,
                 ipd: float = 0.064, title: str = "qbvr", multisamples: int = 0):
        if mode not in MODES:
            raise ValueError(f"unknown display mode {mode!r}; expected one of {MODES}")
        if views not in (1, 2):
            raise ValueError("views must be 1 (mono) or 2 (stereo)")
        self.name = mode
        self.mode = mode
        self.size = (int(size[0]), int(size[1]))
        self.n_views = views
        self.ipd = ipd
        self.title = title
        self.multisamples = multisamples
        self.output: GraphicsOutput | None = None
        self.engine: GraphicsEngine | None = None
        self._params: list[ViewParams] = []

    @property
    def window(self) -> GraphicsWindow | None:
        return self.output if isinstance(self.output, GraphicsWindow) else None

    def open(self) -> DisplayOutputs:
        configure_panda()
        if self.mode == "window" and not os.environ.get("DISPLAY"):
            raise DisplayUnavailable("no display for a window (DISPLAY is not set): use --screenshot or --frames "
                                     "to render offscreen")
        pipe = _pipe(self.mode)
        if pipe is None:
            if self.mode == "window":
                raise DisplayUnavailable(f"cannot open a window on display {os.environ.get('DISPLAY')!r}: is an X "
                                         "server running there? (offscreen rendering needs no display)")
            raise DisplayUnavailable("cannot open the offscreen graphics pipe (p3headlessgl): is EGL with Mesa "
                                     "installed (libegl1, libgl1-mesa-dri)?")
        self.engine = GraphicsEngine(pipe)
        fb = FrameBufferProperties()
        fb.set_rgba_bits(8, 8, 8, 8 if self.mode == "offscreen" else 0)
        fb.set_depth_bits(24)
        if self.mode == "window":
            fb.set_back_buffers(1)  # single-buffered X windows stay black on Mesa: frames go to the back, then flip
        if self.multisamples:
            fb.set_multisamples(self.multisamples)
        w, h = self.size
        wp = WindowProperties()
        wp.set_size(w * self.n_views, h)
        if self.mode == "window":
            wp.set_title(self.title)
        flags = GraphicsPipe.BF_require_window if self.mode == "window" else GraphicsPipe.BF_refuse_window
        self.output = self.engine.make_output(pipe, f"qbvr-{self.mode}", 0, fb, wp, flags, None, None)
        if self.output is None:
            raise DisplayUnavailable(f"cannot open a {w * self.n_views}x{h} {self.mode} output")
        self.output.set_clear_color_active(False)
        if self.n_views == 1:
            targets = [ViewTarget(self.output)]
            self._params = [ViewParams()]
        else:
            targets = [ViewTarget(self.output, (0.0, 0.5, 0.0, 1.0)), ViewTarget(self.output, (0.5, 1.0, 0.0, 1.0))]
            half = self.ipd / 2
            self._params = [ViewParams(Pose((-half, 0.0, 0.0))), ViewParams(Pose((half, 0.0, 0.0)))]
        return DisplayOutputs(self.engine, targets)

    def begin_frame(self) -> list[ViewParams] | None:
        return self._params

    def end_frame(self) -> None:
        pass

    def head_pose(self) -> Pose | None:
        return None

    def should_close(self) -> bool:
        win = self.window
        return win is not None and (win.is_closed() or not win.get_properties().get_open())

    def close(self) -> None:
        if self.engine is not None:
            self.engine.remove_all_windows()
            self.engine = None
            self.output = None
