"""The EGL graphics binding against a real runtime: Panda3D's headless EGL pipe makes the context current, the
binding is read from it (`engine.xr.graphics_binding.PlatformProbe`) and Monado accepts it in xrCreateSession
(XR_MNDX_egl_enable), then runs frames through it. Monado runs in-process, so this runs in a subprocess."""

from __future__ import annotations

import subprocess
import sys

from tests.engine.xr.monado_runtime import REPO

SCRIPT = r'''
import ctypes
from panda3d.core import FrameBufferProperties, GraphicsEngine, GraphicsPipe, GraphicsPipeSelection, WindowProperties
import xr
from engine.xr.graphics_binding import PlatformProbe, current_context, make_binding

inst = xr.create_instance(xr.InstanceCreateInfo(enabled_extension_names=["XR_KHR_opengl_enable",
                                                                          "XR_MNDX_egl_enable"]))
sysid = xr.get_system(inst, xr.SystemGetInfo(form_factor=xr.FormFactor.HEAD_MOUNTED_DISPLAY))
xr.get_opengl_graphics_requirements_khr(inst, sysid)
pipe = GraphicsPipeSelection.get_global_ptr().make_module_pipe("p3headlessgl")
engine = GraphicsEngine(pipe)
fb = FrameBufferProperties()
fb.set_rgba_bits(8, 8, 8, 8)
buf = engine.make_output(pipe, "b", 0, fb, WindowProperties.size(64, 64), GraphicsPipe.BF_refuse_window, None, None)
engine.render_frame()
ctx = current_context(PlatformProbe())
binding = make_binding(xr, ctx)
session = xr.create_session(inst, xr.SessionCreateInfo(system_id=sysid,
                            next=ctypes.cast(ctypes.pointer(binding), ctypes.c_void_p)))
frames, running = 0, False
for _ in range(400):
    try:
        ev = xr.poll_event(inst)
    except xr.EventUnavailable:
        ev = None
    if ev is not None and xr.StructureType(ev.type) == xr.StructureType.EVENT_DATA_SESSION_STATE_CHANGED:
        st = ctypes.cast(ctypes.byref(ev), ctypes.POINTER(xr.EventDataSessionStateChanged)).contents.state
        if xr.SessionState(st) == xr.SessionState.READY:
            xr.begin_session(session, xr.SessionBeginInfo(xr.ViewConfigurationType.PRIMARY_STEREO))
            running = True
    if running:
        fs = xr.wait_frame(session, xr.FrameWaitInfo())
        xr.begin_frame(session, xr.FrameBeginInfo())
        xr.end_frame(session, xr.FrameEndInfo(display_time=fs.predicted_display_time,
                                              environment_blend_mode=xr.EnvironmentBlendMode.OPAQUE))
        frames += 1
        if frames >= 10:
            break
print("binding", ctx.kind, "frames", frames)
xr.destroy_session(session)
xr.destroy_instance(inst)
'''


def test_egl_context_binds_a_real_openxr_session(monado_env):
    env = dict(monado_env)
    env.pop("DISPLAY", None)  # no X server: Panda3D's headless pipe is EGL only
    proc = subprocess.run([sys.executable, "-c", SCRIPT], env=env, cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert "binding egl frames 10" in proc.stdout
