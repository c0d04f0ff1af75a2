"""The graphics binding chosen from the running OpenGL context, on fake platform probes: WGL on Windows, EGL when
an EGL context is current, else GLX; the structures pyopenxr (or we, for Win32 off Windows) chain into
xrCreateSession. GLX also runs for real through Monado (test_monado_xr_check.py)."""

from __future__ import annotations

import ctypes

import pytest

from engine.xr.graphics_binding import (
    XR_TYPE_GRAPHICS_BINDING_OPENGL_WIN32_KHR,
    GLContext,
    NoContext,
    XrGraphicsBindingOpenGLWin32KHR,
    current_context,
    make_binding,
    required_extension,
)

xr = pytest.importorskip("xr")


class FakeProbe:
    def __init__(self, **current):
        self.current = current
        self.asked: list[str] = []

    def _ask(self, kind):
        self.asked.append(kind)
        return self.current.get(kind)

    def wgl(self):
        return self._ask("wgl")

    def egl(self):
        return self._ask("egl")

    def glx(self):
        return self._ask("glx")


def handle(struct, name, value):
    """A fake handle of the pointer type pyopenxr declares for `struct.name`."""
    return ctypes.cast(ctypes.c_void_p(value), dict(struct._fields_)[name])


GLX = {"display": handle(xr.GraphicsBindingOpenGLXlibKHR, "x_display", 0x1234), "drawable": 0x42,
       "context": handle(xr.GraphicsBindingOpenGLXlibKHR, "glx_context", 0x5678)}
EGL = {"display": handle(xr.GraphicsBindingEGLMNDX, "display", 0x10),
       "config": handle(xr.GraphicsBindingEGLMNDX, "config", 0x20),
       "context": handle(xr.GraphicsBindingEGLMNDX, "context", 0x30),
       "get_proc_address": ctypes.cast(ctypes.CDLL(None).dlsym, ctypes.c_void_p).value}
WGL = {"dc": 0xDC, "context": 0x6C}


def test_linux_prefers_a_current_egl_context_then_glx():
    assert current_context(FakeProbe(glx=GLX), platform="linux").kind == "glx"
    assert current_context(FakeProbe(egl=EGL, glx=GLX), platform="linux").kind == "egl"
    p = FakeProbe(wgl=WGL, glx=GLX)
    assert current_context(p, platform="linux").kind == "glx" and "wgl" not in p.asked


def test_windows_binds_the_current_wgl_dc_and_context_only():
    p = FakeProbe(wgl=WGL, egl=EGL, glx=GLX)
    ctx = current_context(p, platform="win32")
    assert ctx == GLContext("wgl", WGL) and p.asked == ["wgl"]


def test_no_current_context_says_which_were_looked_for():
    with pytest.raises(NoContext, match="EGL or GLX"):
        current_context(FakeProbe(), platform="linux")
    with pytest.raises(NoContext, match="WGL"):
        current_context(FakeProbe(glx=GLX), platform="win32")


def test_glx_binding_carries_display_drawable_and_context():
    b = make_binding(xr, GLContext("glx", GLX))
    assert int(b.type) == int(xr.StructureType.GRAPHICS_BINDING_OPENGL_XLIB_KHR)
    assert b.glx_drawable == 0x42
    assert ctypes.cast(b.glx_context, ctypes.c_void_p).value == 0x5678
    assert required_extension(GLContext("glx", GLX)) is None


def test_egl_binding_is_the_mndx_structure_and_needs_its_extension():
    b = make_binding(xr, GLContext("egl", EGL))
    assert int(b.type) == int(xr.StructureType.GRAPHICS_BINDING_EGL_MNDX)
    assert ctypes.cast(b.context, ctypes.c_void_p).value == 0x30
    assert ctypes.cast(b.display, ctypes.c_void_p).value == 0x10
    assert ctypes.cast(b.get_proc_address, ctypes.c_void_p).value == EGL["get_proc_address"]
    assert required_extension(GLContext("egl", EGL)) == "XR_MNDX_egl_enable"


def test_wgl_binding_has_the_openxr_layout_with_dc_and_context():
    b = make_binding(xr, GLContext("wgl", WGL))
    assert b.type == XR_TYPE_GRAPHICS_BINDING_OPENGL_WIN32_KHR == int(
        xr.StructureType.GRAPHICS_BINDING_OPENGL_WIN32_KHR)
    assert (b.h_dc, b.h_glrc) == (0xDC, 0x6C)
    # XrGraphicsBindingOpenGLWin32KHR: type (4 + 4 padding), next, hDC, hGLRC on 64-bit
    assert ctypes.sizeof(XrGraphicsBindingOpenGLWin32KHR) == 4 + 4 + 3 * ctypes.sizeof(ctypes.c_void_p)
    assert (XrGraphicsBindingOpenGLWin32KHR.h_dc.offset, XrGraphicsBindingOpenGLWin32KHR.h_glrc.offset) == (16, 24)
    # chained into XrSessionCreateInfo as pyopenxr chains the others
    info = xr.SessionCreateInfo(system_id=1, next=ctypes.cast(ctypes.pointer(b), ctypes.c_void_p))
    assert ctypes.cast(info.next, ctypes.POINTER(XrGraphicsBindingOpenGLWin32KHR)).contents.h_glrc == 0x6C


def test_unknown_context_kind_is_refused():
    with pytest.raises(ValueError, match="vulkan"):
        make_binding(xr, GLContext("vulkan", {}))
