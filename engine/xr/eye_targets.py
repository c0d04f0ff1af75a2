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
        self._mirror: tuple[int, int] | None = None  # (our GL texture, its framebuffer) holding eye 0's last frame
        self._mirror_wanted = False
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

    def add_mirror(self, host) -> None:
        """Show the left eye on `host` (the desktop window: what the trainee sees, for a coach). Eye 0 is copied
        into a texture of ours before its image is released (a released image must not be read), and a draw
        callback on the window blits it, letterboxed, after the window's clear."""
        from panda3d.core import Camera, NodePath, OrthographicLens, PythonCallbackObject

        self._mirror_wanted = True
        self._mirror_host = host
        root = NodePath("qbvr-xr-mirror")
        cam = root.attach_new_node(Camera("qbvr-xr-mirror-cam", OrthographicLens()))
        dr = host.make_display_region()
        dr.set_sort(10)
        dr.set_clear_color_active(True)  # black letterbox bars (this is the window, never a swapchain image)
        dr.set_clear_color((0, 0, 0, 1))
        dr.set_camera(cam)
        dr.set_draw_callback(PythonCallbackObject(self._draw_mirror))
        self._mirror_root = root

    def _copy_to_mirror(self, image: int) -> None:
        from OpenGL import GL

        w, h = self.sizes[0]
        if self._mirror is None:
            tex = int(GL.glGenTextures(1))
            GL.glBindTexture(GL.GL_TEXTURE_2D, tex)
            GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_MIN_FILTER, GL.GL_LINEAR)
            GL.glTexImage2D(GL.GL_TEXTURE_2D, 0, GL.GL_SRGB8_ALPHA8, w, h, 0, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE, None)
            GL.glBindTexture(GL.GL_TEXTURE_2D, 0)
            fbo = int(GL.glGenFramebuffers(1))
            cur = GL.glGetIntegerv(GL.GL_DRAW_FRAMEBUFFER_BINDING)
            GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, fbo)
            GL.glFramebufferTexture2D(GL.GL_DRAW_FRAMEBUFFER, GL.GL_COLOR_ATTACHMENT0, GL.GL_TEXTURE_2D, tex, 0)
            GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, cur)
            self._mirror = (tex, fbo)
        # the eye's framebuffer (the acquired image attached) -> our texture, before the image is released
        cur = GL.glGetIntegerv(GL.GL_DRAW_FRAMEBUFFER_BINDING)
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, cur)
        GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, self._mirror[1])
        GL.glDisable(GL.GL_SCISSOR_TEST)
        GL.glBlitFramebuffer(0, 0, w, h, 0, 0, w, h, GL.GL_COLOR_BUFFER_BIT, GL.GL_NEAREST)
        GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, cur)
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, cur)

    def _draw_mirror(self, cbdata) -> None:
        if self._mirror is None:
            return
        from OpenGL import GL

        tex, fbo = self._mirror
        w, h = self.sizes[0]
        vx, vy, vw, vh = GL.glGetIntegerv(GL.GL_VIEWPORT)
        s = min(vw / w, vh / h)
        dw, dh = int(w * s), int(h * s)
        x0, y0 = vx + (vw - dw) // 2, vy + (vh - dh) // 2
        draw = GL.glGetIntegerv(GL.GL_DRAW_FRAMEBUFFER_BINDING)
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, fbo)
        GL.glDisable(GL.GL_FRAMEBUFFER_SRGB)
        GL.glDisable(GL.GL_SCISSOR_TEST)
        GL.glBlitFramebuffer(0, 0, w, h, x0, y0, x0 + dw, y0 + dh, GL.GL_COLOR_BUFFER_BIT, GL.GL_LINEAR)
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, draw)

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
            if k == 0 and self._mirror_wanted:
                self._copy_to_mirror(image)
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
