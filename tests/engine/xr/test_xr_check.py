"""Headset: the headset check (`tools/xr_check.py`, `qbvr xr-check`): frame-timing figures, the scripted run,
and the clear failure without a runtime."""

from __future__ import annotations

import numpy as np
import pytest

from engine.cli import main
from engine.xr.check import frame_timing, run_check

P = 11_111_111


def test_frame_timing_counts_missed_frames_and_cpu_budget():
    t = np.cumsum([0, P, P, 2 * P, P, 3 * P]) + 10**12   # one gap of 2 periods, one of 3: 1 + 2 missed
    cpu = [0.005, 0.006, 0.012, 0.004, 0.020, 0.007]
    r = frame_timing(t, P, cpu, [True, True, False, True, True, True])
    assert (r.frames, r.missed, r.not_rendered, r.over_budget) == (6, 3, 1, 2)
    assert r.cpu_ms_max == pytest.approx(20.0) and r.cpu_ms_mean == pytest.approx(9.0)
    assert r.period_ms == pytest.approx(11.111111)
    assert "missed frames: 3" in r.lines()[1]


def test_scripted_check_runs_the_test_scene_and_prints_timing():
    lines = []
    assert run_check(0.3, scripted=True, out=lines.append) == 0
    text = "\n".join(lines)
    assert "views: 2 x 640x640" in text and "eye tracking: no" in text
    frames = next(l for l in lines if l.startswith("frames:"))
    assert frames.startswith("frames: 27 at 90.0 Hz")
    assert "missed frames: 0" in text and "CPU per frame: mean" in text


def test_xr_check_without_runtime_says_what_to_install(monkeypatch, tmp_path, capsys):
    pytest.importorskip("xr")
    monkeypatch.setenv("XR_RUNTIME_JSON", str(tmp_path / "none.json"))
    assert main(["xr-check", "--seconds", "1"]) == 1
    out = capsys.readouterr().out
    assert "not ready: no OpenXR runtime" in out and "SteamVR" in out and "Monado" in out
