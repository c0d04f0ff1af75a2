"""Desktop window logic that needs no X server: overlays relaid out on resize, a stale DISPLAY is no display."""

from __future__ import annotations

import pytest

from scenes.hud import Hud
from scenes.training_overlay import TrainingOverlay


def _x_extent(root) -> tuple[float, float]:
    lo, hi = root.get_tight_bounds()
    return float(lo.x), float(hi.x)


@pytest.mark.parametrize("aspect", [1.2, 2.4])
def test_hud_relaid_out_for_a_new_aspect(tiny_play, aspect):
    hud = Hud(tiny_play, 16 / 9, show_keys=True)
    hud.update(0.5, camera="qb")
    hud.resize(aspect)
    lo, hi = _x_extent(hud.root)
    assert lo == pytest.approx(-aspect, abs=1e-3) and hi == pytest.approx(aspect, abs=1e-3)
    assert hud.time_at(-1.0, hud.bar_y, anywhere=True) == pytest.approx(hud.t0)  # scrubbing maps the new width
    assert hud.time_at(1.0, hud.bar_y, anywhere=True) == pytest.approx(hud.t1)


def test_training_overlay_relaid_out_and_keeps_its_text(tiny_play):
    ov = TrainingOverlay(tiny_play, 16 / 9, rep=1, reps=2, title="t", crosshair=True)
    ov.update(1.0)
    ov.show_result("threw to 2")
    ov.resize(1.25)
    lo, hi = _x_extent(ov.root)
    assert lo == pytest.approx(-1.25, abs=1e-3) and hi == pytest.approx(1.25, abs=1e-3)
    assert ov._texts["result"].get_text() == "threw to 2" and ov._texts["clock"].get_text() == "+1.0 s"


def test_a_stale_display_is_no_display():
    """DISPLAY naming a display where no X server answers (a closed ssh -X session) does not count: `auto`
    trains offscreen instead of failing to open a window. (A fresh process: Panda3D reads DISPLAY once.)"""
    import os
    import subprocess
    import sys
    code = ("from engine.backends.panda_display import auto_mode, display_available; "
            "print(display_available(), auto_mode())")
    env = dict(os.environ, DISPLAY=":7359")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,
                         cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "offscreen"]
