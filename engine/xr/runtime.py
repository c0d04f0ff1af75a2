"""Is there an OpenXR runtime and a headset? Answered without opening a window or touching OpenGL.

`import xr` happens here and in `openxr_driver`, only when a headset is asked for: the rest of qbvr never loads
the OpenXR loader. The loader's own stderr chatter is silenced (XR_LOADER_DEBUG=none) unless the user set it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .bindings import EYE_GAZE_EXTENSION, OPENGL_EXTENSION

RUNTIMES = "SteamVR, Meta Quest Link (the Meta Horizon/Oculus PC app), Monado or Varjo Base"
INSTALL_HINT = (f"install and start an OpenXR runtime ({RUNTIMES}), make it the active runtime, "
                "connect the headset, and try again")


def load_xr():
    """Import pyopenxr with the loader's debug output silenced; raises ImportError when it is missing."""
    os.environ.setdefault("XR_LOADER_DEBUG", "none")
    import xr  # noqa: PLC0415 (lazy on purpose: only the headset path loads the OpenXR loader)
    return xr


@dataclass(frozen=True)
class RuntimeProbe:
    """What a quick look at the OpenXR runtime found; `reason` says in one line why no headset is usable."""

    ok: bool
    reason: str = ""
    runtime: str | None = None
    system: str | None = None
    extensions: tuple[str, ...] = ()

    @property
    def eye_gaze_extension(self) -> bool:
        return EYE_GAZE_EXTENSION in self.extensions


def probe_runtime() -> RuntimeProbe:
    """Create (and destroy) an OpenXR instance and ask for a head-mounted system."""
    try:
        xr = load_xr()
    except ImportError as e:
        return RuntimeProbe(False, f"pyopenxr is not installed ({e})")
    try:
        exts = tuple(p.extension_name.decode() if isinstance(p.extension_name, bytes) else str(p.extension_name)
                     for p in xr.enumerate_instance_extension_properties())
    except xr.exception.RuntimeUnavailableError:
        return RuntimeProbe(False, "no OpenXR runtime is installed or active")
    except xr.exception.XrException as e:
        return RuntimeProbe(False, f"the OpenXR loader failed: {type(e).__name__}: {e}")
    if OPENGL_EXTENSION not in exts:
        return RuntimeProbe(False, f"the OpenXR runtime has no OpenGL support ({OPENGL_EXTENSION})",
                            extensions=exts)
    instance = None
    try:
        instance = xr.create_instance(xr.InstanceCreateInfo(
            application_info=xr.ApplicationInfo(application_name="qbvr-probe", engine_name="qbvr"),
            enabled_extension_names=[OPENGL_EXTENSION]))
        runtime = _runtime_name(xr, instance)
        try:
            system_id = xr.get_system(instance, xr.SystemGetInfo(form_factor=xr.FormFactor.HEAD_MOUNTED_DISPLAY))
        except xr.exception.FormFactorUnavailableError:
            return RuntimeProbe(False, f"the OpenXR runtime ({runtime}) is running but no headset is connected",
                                runtime, extensions=exts)
        system = xr.get_system_properties(instance, system_id).system_name
        system = system.decode() if isinstance(system, bytes) else str(system)
        return RuntimeProbe(True, "", runtime, system, exts)
    except xr.exception.RuntimeUnavailableError:
        return RuntimeProbe(False, "no OpenXR runtime is installed or active")
    except xr.exception.XrException as e:
        return RuntimeProbe(False, f"the OpenXR runtime failed: {type(e).__name__}: {e}", extensions=exts)
    finally:
        if instance is not None:
            try:
                xr.destroy_instance(instance)
            except Exception:  # noqa: BLE001 (a probe must never crash the fallback)
                pass


def _runtime_name(xr, instance) -> str:
    props = xr.get_instance_properties(instance)
    name = props.runtime_name.decode() if isinstance(props.runtime_name, bytes) else str(props.runtime_name)
    v = int(props.runtime_version)
    return f"{name} {v >> 48}.{(v >> 32) & 0xFFFF}.{v & 0xFFFFFFFF}"
