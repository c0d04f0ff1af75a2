"""Headset, opt-in: a real OpenXR runtime and headset. Runs only when XR_RUNTIME_JSON points at a runtime
manifest (e.g. Monado's or SteamVR's), so CI and machines without a headset skip it:

    XR_RUNTIME_JSON=/usr/share/openxr/1/openxr_monado.json \
        .venv/bin/python -m pytest -m xr tests/engine/xr/test_xr_runtime_optin.py
"""

from __future__ import annotations

import os

import pytest

pytestmark = [pytest.mark.xr, pytest.mark.skipif(not os.environ.get("XR_RUNTIME_JSON"),
                                                 reason="no OpenXR runtime configured (set XR_RUNTIME_JSON)")]


def test_real_headset_session_renders_frames_at_predicted_display_times(tiny_play):
    from engine.app import open_play, update_frame
    from engine.renderer import Renderer
    from engine.xr.headset import HeadsetBackend, run_headset_loop
    from engine.xr.openxr_driver import OpenXRDriver
    from engine.xr.runtime import probe_runtime

    probe = probe_runtime()
    assert probe.ok, probe.reason
    backend = HeadsetBackend(OpenXRDriver())
    renderer = Renderer(backend)
    try:
        info = backend.info
        assert info.views == 2 and min(info.eye_size) > 0 and "XR_KHR_opengl_enable" in info.extensions
        view = open_play(renderer, tiny_play, camera="qb", hud=False)
        view.scene.figures.set_hidden(view.scene.qb)
        frames = []

        def step(f):
            frames.append(f)
            update_frame(view, f.play_time)
            return len(frames) < 180
        run_headset_loop(backend, step, renderer.render, max_frames=180, max_wait_s=20.0)
        assert len(frames) >= 10, "the runtime never reached a running session"
        t = [f.display_time_ns for f in frames]
        assert all(b > a for a, b in zip(t, t[1:]))
        assert backend.gaze_source in ("eye", "head", "mixed")
    finally:
        renderer.close()
