"""`--backend auto|xr|desktop|offscreen`: which display a session runs on, with the headset's graceful fallback.

    renderer, chosen, note = open_display("auto", Renderer)   # `note` is one line saying why, or ""

`auto` uses the headset when an OpenXR runtime and a headset are present, else the desktop window (the note says
why the headset was skipped), else offscreen. `xr` without a runtime or headset raises `DisplayUnavailable`
naming the runtimes to install. A backend that fails to open (a runtime that refuses the session, a window that
cannot open) falls through to the next one under `auto` and is an error when asked for by name.
"""

from __future__ import annotations

from typing import Callable, TypeVar

from .interface import DisplayBackend, DisplayUnavailable

BACKENDS = ("auto", "xr", "desktop", "offscreen")
T = TypeVar("T")


def make_backend(name: str, *, size: tuple[int, int] = (1280, 720)) -> DisplayBackend:
    """A fresh, unopened backend by name: `xr` (the headset), `desktop` (a window) or `offscreen`."""
    if name == "xr":
        from engine.xr.headset import HeadsetBackend
        from engine.xr.openxr_driver import OpenXRDriver
        return HeadsetBackend(OpenXRDriver())
    from .panda_display import PandaDisplay
    if name == "desktop":
        return PandaDisplay("window", size)
    if name == "offscreen":
        return PandaDisplay("offscreen", size)
    raise ValueError(f"unknown backend {name!r}; expected one of {', '.join(BACKENDS)}")


def open_display(requested: str, build: Callable[[DisplayBackend], T], *, size: tuple[int, int] = (1280, 720),
                 probe=None, make: Callable[..., DisplayBackend] = make_backend) -> tuple[T, str, str]:
    """Open `build(backend)` (e.g. `Renderer`) on the requested backend; returns (result, backend name, note)."""
    if requested not in BACKENDS:
        raise DisplayUnavailable(f"unknown backend {requested!r}; expected one of {', '.join(BACKENDS)}")
    if probe is None:
        from engine.xr.runtime import probe_runtime as probe
    skipped: list[str] = []
    if requested in ("auto", "xr"):
        p = probe()
        if p.ok:
            order = ["xr", "desktop", "offscreen"] if requested == "auto" else ["xr"]
        elif requested == "xr":
            from engine.xr.runtime import INSTALL_HINT
            raise DisplayUnavailable(f"no headset: {p.reason}; {INSTALL_HINT}")
        else:
            order = ["desktop", "offscreen"]
            skipped.append(f"no headset ({p.reason})")
    else:
        order = [requested]
    for name in order:
        if requested == "auto" and name == "desktop":
            from .panda_display import display_available
            if not display_available():
                skipped.append("no desktop display (DISPLAY is not set)")
                continue
        backend = make(name, size=size)
        try:
            result = build(backend)
        except DisplayUnavailable as e:
            if requested != "auto" or name == order[-1]:
                raise
            skipped.append(f"no {'headset' if name == 'xr' else 'desktop window'} ({e})")
            continue
        note = ""
        if skipped:
            where = {"xr": "the headset", "desktop": "the desktop window", "offscreen": "offscreen"}[name]
            note = f"{' and '.join(skipped)}: running {where}"
        return result, name, note
    raise DisplayUnavailable("no display backend could open")  # unreachable: the last one raises
