"""Drawing each eye straight into a headset's swapchain images, with Panda3D.

One Panda3D texture buffer per eye gives the renderer a display region to draw that eye into. A draw callback on
that region attaches the image the swapchain handed out (an OpenGL texture the runtime owns) as the buffer's
colour attachment, clears it with the renderer's sky colour and depth, draws, and hands the image back. The
OpenGL context is current inside the callback, as OpenXR requires for swapchain calls on OpenGL.

Panda3D's own clears of these buffers and regions are disabled: between frames the attachment is the previous
frame's image, already released to the compositor, which must never be written. GL_FRAMEBUFFER_SRGB stays off:
qbvr's shaders write display-ready (sRGB-encoded) values, stored as they are in the sRGB image and decoded by the
compositor, so the headset shows the desktop window's colours. No `xr` here: the OpenXR driver passes callables
that acquire and release swapchain images; the scripted headset passes plain OpenGL textures.
"""

from __future__ import annotations

from typing import Callable

from engine.backends.interface import ViewTarget


class EyeTargets:
    """Per-eye texture buffers on `host` (any open GraphicsOutput of `engine`) drawing into external images.

    `acquire(k)` returns the OpenGL texture name to draw eye k into this frame (acquire + wait a swapchain
    image); `release(k)` hands it back."""

    def __init__(self, engine, host, sizes: list[tuple[int, int]], acquire: Callable[[int], int],
                 release: Callable[[int], None]):
        from panda3d.core import FrameBufferProperties

        self.engine = engine
        self.sizes = list(sizes)
        self.acquire = acquire
        self.release = release
        self.buffers = []
        self.enabled = False
        self.drawn = [False] * len(self.sizes)
        self.clear_colors: dict[int, tuple[float, float, float]] = {}
        self._installed = False
        fb = FrameBufferProperties()
        fb.set_rgba_bits(8, 8, 8, 8)
        fb.set_depth_bits(24)
        for k, (w, h) in enumerate(self.sizes):
            buf = host.make_texture_buffer(f"qbvr-xr-eye{k}", w, h, None, False, fb)
            if buf is None:
                from engine.backends.interface import DisplayUnavailable
                raise DisplayUnavailable(f"cannot create the {w}x{h} render buffer of eye {k}")
            buf.set_sort(-100 + k)
            buf.disable_clears()
            self.buffers.append(buf)
        engine.open_windows()

    @property
    def targets(self) -> list[ViewTarget]:
        return [ViewTarget(b) for b in self.buffers]

    def begin(self, enabled: bool) -> None:
        """A new frame: draw the eyes into acquired images (`enabled`) or skip them (nothing to show)."""
        if not self._installed:
            self._install()
        self.enabled = enabled
        self.drawn = [False] * len(self.buffers)

    @property
    def all_drawn(self) -> bool:
        return all(self.drawn)

    def _install(self) -> None:
        """Hook the renderer's display regions (created after `targets` were handed out)."""
        from panda3d.core import PythonCallbackObject

        for k, buf in enumerate(self.buffers):
            for i in range(buf.get_num_display_regions()):
                dr = buf.get_display_region(i)
                if dr.get_camera().is_empty():
                    continue
                c = dr.get_clear_color()
                self.clear_colors[k] = (c[0], c[1], c[2])
                dr.disable_clears()
                dr.set_draw_callback(PythonCallbackObject(lambda cb, k=k: self._draw(k, cb)))
        self._installed = True

    def _draw(self, k: int, cbdata) -> None:
        if not self.enabled:
            return
        from OpenGL import GL

        image = self.acquire(k)
        try:
            GL.glFramebufferTexture2D(GL.GL_DRAW_FRAMEBUFFER, GL.GL_COLOR_ATTACHMENT0, GL.GL_TEXTURE_2D, image, 0)
            GL.glDisable(GL.GL_FRAMEBUFFER_SRGB)
            GL.glClearColor(*self.clear_colors.get(k, (0.0, 0.0, 0.0)), 1.0)
            GL.glClearDepth(1.0)
            GL.glClear(GL.GL_COLOR_BUFFER_BIT | GL.GL_DEPTH_BUFFER_BIT)
            cbdata.upcall()
        finally:
            self.release(k)
        self.drawn[k] = True


class GLSwapchain:
    """A stand-in for a runtime's swapchain: `n` sRGB OpenGL textures handed out in turn (the scripted headset).
    Needs the OpenGL context current when created and read."""

    def __init__(self, size: tuple[int, int], n: int = 3):
        from OpenGL import GL

        self.size = size
        self.images = [int(t) for t in GL.glGenTextures(n)]
        w, h = size
        for t in self.images:
            GL.glBindTexture(GL.GL_TEXTURE_2D, t)
            GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_MIN_FILTER, GL.GL_LINEAR)
            GL.glTexImage2D(GL.GL_TEXTURE_2D, 0, GL.GL_SRGB8_ALPHA8, w, h, 0, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE, None)
        GL.glBindTexture(GL.GL_TEXTURE_2D, 0)
        self.next = 0
        self.held: int | None = None
        self.released: int | None = None   # the image last handed back (what the compositor would show)
        self.acquired = 0

    def acquire(self) -> int:
        if self.held is not None:
            raise RuntimeError("swapchain image acquired twice without a release")
        self.held = self.next
        self.next = (self.next + 1) % len(self.images)
        self.acquired += 1
        return self.images[self.held]

    def release(self) -> None:
        if self.held is None:
            raise RuntimeError("swapchain release without an acquired image")
        self.released, self.held = self.held, None

    def read(self):
        """The last released image as [H, W, 3] uint8, top row first."""
        import numpy as np
        from OpenGL import GL

        if self.released is None:
            raise RuntimeError("no image was released yet")
        GL.glBindTexture(GL.GL_TEXTURE_2D, self.images[self.released])
        px = GL.glGetTexImage(GL.GL_TEXTURE_2D, 0, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE)
        GL.glBindTexture(GL.GL_TEXTURE_2D, 0)
        w, h = self.size
        return np.ascontiguousarray(np.frombuffer(px, np.uint8).reshape(h, w, 4)[::-1, :, :3])
