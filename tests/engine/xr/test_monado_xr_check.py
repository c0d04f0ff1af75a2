"""`qbvr xr-check` against a real OpenXR runtime: Monado's simulated HMD under the null compositor."""

from __future__ import annotations

import re

from tests.engine.xr.monado_runtime import qbvr


def test_xr_check_reports_monado_and_frame_timing(monado_env):
    proc = qbvr(["xr-check", "--seconds", "3"], monado_env)
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, out + err
    assert "system: Monado: Simulated HMD" in out
    assert re.search(r"views: 2 x \d+x\d+", out)
    m = re.search(r"frames: (\d+) at ([\d.]+) Hz", out)
    assert m and int(m.group(1)) >= 10 and 10.0 <= float(m.group(2)) <= 200.0, out
    assert "missed frames:" in out and "CPU per frame:" in out
    # Monado has XR_KHR_convert_timespec_time: how far ahead of the frame's start the display time was predicted
    m = re.search(r"head pose and play time: at each frame's predicted display time, ([\d.]+) ms ahead", out)
    assert m and 0.0 < float(m.group(1)) < 500.0, out
    assert "graphics binding: OpenGL on GLX" in out
    assert "eye tracking: no" in out  # this Monado does not offer XR_EXT_eye_gaze_interaction
