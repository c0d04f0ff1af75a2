"""The OpenXR graphics binding of the OpenGL context Panda3D is running, whatever the platform.

An OpenXR session renders through the app's own OpenGL context, handed over in a platform structure chained into
xrCreateSession: GLX on Linux/X11 (`XrGraphicsBindingOpenGLXlibKHR`: display, drawable, context), EGL
(`XrGraphicsBindingEGLMNDX`, extension XR_MNDX_egl_enable: getProcAddress, display, config, context) and WGL on
Windows (`XrGraphicsBindingOpenGLWin32KHR`: the current device context and rendering context). Which one applies is
read from what is current on this thread when the session is created (`current_context`); `make_binding` builds the
structure. Platform calls sit behind `ContextProbe`, so the choice and the structures are tested with fakes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from dataclasses import dataclass, field
from typing import Any, Protocol

from .bindings import EGL_EXTENSION

XR_TYPE_GRAPHICS_BINDING_OPENGL_WIN32_KHR = 1000023000
EGL_CONFIG_ID = 0x3028


class XrGraphicsBindingOpenGLWin32KHR(ctypes.Structure):
    """The Win32 binding as the OpenXR headers declare it (pyopenxr only defines it on Windows)."""

    _fields_ = [("type", ctypes.c_int32), ("next", ctypes.c_void_p), ("h_dc", ctypes.c_void_p),
                ("h_glrc", ctypes.c_void_p)]

    def __init__(self, h_dc=None, h_glrc=None, next=None):  # noqa: A002 (the OpenXR field name)
        super().__init__(XR_TYPE_GRAPHICS_BINDING_OPENGL_WIN32_KHR, next, h_dc, h_glrc)


@dataclass(frozen=True)
class GLContext:
    """The OpenGL context current on this thread: "glx", "egl" or "wgl" and its platform handles."""

    kind: str
    handles: dict[str, Any] = field(default_factory=dict)


class ContextProbe(Protocol):
    """Each returns the current context's handles on its platform, or None when that platform has none current
    (EGL's `get_proc_address` is the address of libEGL's eglGetProcAddress)."""

    def wgl(self) -> dict[str, Any] | None: ...

    def egl(self) -> dict[str, Any] | None: ...

    def glx(self) -> dict[str, Any] | None: ...


class NoContext(Exception):
    """No OpenGL context is current on this thread (nothing to bind the headset session to)."""


def current_context(probe: ContextProbe, *, platform: str = sys.platform) -> GLContext:
    """The current context: WGL on Windows; else EGL when an EGL context is current (Panda3D on EGL, Wayland),
    else GLX. NoContext when none is."""
    order = ("wgl",) if platform.startswith("win") else ("egl", "glx")
    for kind in order:
        h = getattr(probe, kind)()
        if h:
            return GLContext(kind, h)
    raise NoContext(f"no {' or '.join(k.upper() for k in order)} context is current on this thread")


def required_extension(ctx: GLContext) -> str | None:
    """The instance extension the binding needs beyond XR_KHR_opengl_enable (EGL: XR_MNDX_egl_enable)."""
    return EGL_EXTENSION if ctx.kind == "egl" else None


def make_binding(xr, ctx: GLContext):
    """The binding structure for `ctx` (keep it alive as long as the session)."""
    h = ctx.handles
    if ctx.kind == "glx":
        return xr.GraphicsBindingOpenGLXlibKHR(x_display=h["display"], glx_drawable=h["drawable"],
                                               glx_context=h["context"])
    if ctx.kind == "egl":
        pfn = dict(xr.GraphicsBindingEGLMNDX._fields_)["get_proc_address"]
        return xr.GraphicsBindingEGLMNDX(get_proc_address=pfn(h["get_proc_address"]), display=h["display"],
                                         config=h["config"], context=h["context"])
    if ctx.kind == "wgl":
        cls = getattr(xr, "GraphicsBindingOpenGLWin32KHR", XrGraphicsBindingOpenGLWin32KHR)
        return cls(h_dc=h["dc"], h_glrc=h["context"])
    raise ValueError(f"no OpenXR graphics binding for a {ctx.kind!r} context")


class PlatformProbe:
    """The real platform calls: wglGetCurrentDC/Context, eglGetCurrent*, glXGetCurrent*."""

    def wgl(self) -> dict[str, Any] | None:
        try:
            gl = ctypes.WinDLL("opengl32")  # type: ignore[attr-defined]
        except (AttributeError, OSError):
            return None
        gl.wglGetCurrentDC.restype = gl.wglGetCurrentContext.restype = ctypes.c_void_p
        dc, rc = gl.wglGetCurrentDC(), gl.wglGetCurrentContext()
        return {"dc": dc, "context": rc} if dc and rc else None

    def egl(self) -> dict[str, Any] | None:
        try:
            from OpenGL import EGL
            ctx = EGL.eglGetCurrentContext()
        except Exception:  # noqa: BLE001 (no libEGL: not an EGL platform)
            return None
        if not ctx:
            return None
        display = EGL.eglGetCurrentDisplay()
        cid = EGL.EGLint()
        EGL.eglQueryContext(display, ctx, EGL_CONFIG_ID, ctypes.pointer(cid))
        config, n = EGL.EGLConfig(), EGL.EGLint()
        attrs = (EGL.EGLint * 3)(EGL_CONFIG_ID, cid.value, EGL.EGL_NONE)
        EGL.eglChooseConfig(display, attrs, ctypes.pointer(config), 1, ctypes.pointer(n))
        lib = ctypes.CDLL(ctypes.util.find_library("EGL") or "libEGL.so.1")
        address = ctypes.cast(lib.eglGetProcAddress, ctypes.c_void_p).value
        return {"display": display, "context": ctx, "config": config, "get_proc_address": address}

    def glx(self) -> dict[str, Any] | None:
        try:
            from OpenGL import GLX
            ctx = GLX.glXGetCurrentContext()
        except Exception:  # noqa: BLE001 (no libGL with GLX)
            return None
        if not ctx:
            return None
        return {"display": GLX.glXGetCurrentDisplay(), "drawable": GLX.glXGetCurrentDrawable(), "context": ctx}
