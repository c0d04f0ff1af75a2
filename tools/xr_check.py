#!/usr/bin/env python3
"""Check a headset before training: OpenXR runtime, headset, eye size, extensions (eye gaze or not), then a
10-second test scene with frame timing (missed frames, CPU ms per frame).

    .venv/bin/python tools/xr_check.py                 # the headset (needs an OpenXR runtime)
    .venv/bin/python tools/xr_check.py --seconds 30
    .venv/bin/python tools/xr_check.py --scripted      # no headset: a scripted one, offscreen

The same check is `qbvr xr-check`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.xr.check import run_check  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=10.0, help="length of the test scene (default 10)")
    p.add_argument("--scripted", action="store_true", help="use a scripted headset rendered offscreen")
    a = p.parse_args()
    return run_check(a.seconds, scripted=a.scripted)


if __name__ == "__main__":
    sys.exit(main())
