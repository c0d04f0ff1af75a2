"""The display backend interface: how the renderer's views reach a screen, a file or a headset.

A backend owns the graphics pipe, the GraphicsEngine and the outputs (a desktop window, an offscreen buffer,
a headset's swapchain images) and says, every frame, which views to draw and from where. The renderer
(`engine.renderer.Renderer`) owns the scene, a head *rig* node and one camera per view; it never asks which
backend it has. Three backends implement this: `PandaDisplay("window")`, `PandaDisplay("offscreen")` (both in
`engine.backends.panda_display`, one code path) and the OpenXR headset backend.

What a backend provides:

- `open() -> DisplayOutputs`: create the pipe, the engine and the outputs; return one `ViewTarget` per view
  (the output and the region of it the view covers). One view = mono; two views = stereo (left eye first).
  Raise `DisplayUnavailable` (a `QbvrError`) with a one-line reason when the display cannot open.
- `begin_frame() -> list[ViewParams] | None`: called once per frame before rendering. For each view: its eye
  pose relative to the rig (metres, Panda3D axes: Z up, the camera looks down its +Y) and, optionally, its
  projection as the four tangents of an asymmetric field of view (an OpenXR `xrFov`: left and down negative).
  `None` as projection means the renderer's default symmetric lens (the app's camera field of view). Return
  `None` instead of a list to skip rendering this frame (e.g. a headset session that is not visible).
  An OpenXR backend waits for the runtime's frame timing here (xrWaitFrame paces the loop) and locates the
  views at the predicted display time.
- `end_frame()`: called after `GraphicsEngine.render_frame()`; an OpenXR backend copies or releases the
  swapchain images and submits the frame (xrEndFrame) here.
- `head_pose() -> Pose | None`: the tracked head relative to the rig, when a headset tracks one (gaze and
  decision measurement read it); `None` on a desktop, where the app's camera is the head.
- `tracked`: True when view poses come from a tracked head. The app then places the rig at the player's feet
  facing downfield and lets the headset move the eyes; otherwise it places the rig at the camera's eye.
- `window`: the `GraphicsWindow` receiving keyboard and mouse input, or None.
- `should_close() -> bool` (the user closed the window, the runtime is exiting) and `close()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from panda3d.core import GraphicsEngine, GraphicsOutput, GraphicsWindow

from replay.errors import QbvrError


class DisplayUnavailable(QbvrError):
    """The requested display cannot open here (no X display, no GL, no headset runtime)."""


@dataclass(frozen=True)
class Pose:
    """A rigid pose in Panda3D axes: position (x, y, z) metres and orientation as a quaternion (w, x, y, z)."""

    position: tuple[float, float, float] = (0.0, 0.0, 0.0)
    orientation: tuple[float, float, float, float] = (1.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class FovTangents:
    """An asymmetric frustum as tangents of its half-angles: left and down are negative (OpenXR's xrFov angles
    through tan())."""

    left: float
    right: float
    up: float
    down: float


@dataclass(frozen=True)
class ViewTarget:
    """Where one view is drawn: an output and the (left, right, bottom, top) fraction of it."""

    output: GraphicsOutput
    region: tuple[float, float, float, float] = (0.0, 1.0, 0.0, 1.0)


@dataclass(frozen=True)
class ViewParams:
    """One view's eye this frame: pose relative to the rig, projection (None = the renderer's default lens)."""

    pose: Pose = field(default_factory=Pose)
    fov: FovTangents | None = None


@dataclass
class DisplayOutputs:
    engine: GraphicsEngine
    targets: list[ViewTarget]


@runtime_checkable
class DisplayBackend(Protocol):
    name: str
    tracked: bool

    @property
    def window(self) -> GraphicsWindow | None: ...

    def open(self) -> DisplayOutputs: ...

    def begin_frame(self) -> list[ViewParams] | None: ...

    def end_frame(self) -> None: ...

    def head_pose(self) -> Pose | None: ...

    def should_close(self) -> bool: ...

    def close(self) -> None: ...
