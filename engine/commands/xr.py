"""`qbvr xr-check`: check a headset before training (runtime, headset, eye size, eye gaze, frame timing)."""

from __future__ import annotations

import argparse

from .argtypes import positive_float


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "xr-check", help="check the OpenXR runtime and headset, run a test scene and print frame timing",
        description="Check a headset before training: lists the OpenXR runtime, the headset, the recommended eye "
                    "size and whether it tracks the eyes (XR_EXT_eye_gaze_interaction), then runs a test scene "
                    "and prints frames shown, missed frames and CPU milliseconds per frame. Exits 1 when no "
                    "headset is ready. Same as tools/xr_check.py.",
        epilog="examples:\n  qbvr xr-check\n  qbvr xr-check --seconds 30\n"
               "  qbvr xr-check --scripted --seconds 3     no headset: a scripted one rendered offscreen",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=positive_float, default=10.0, help="length of the test scene (default 10)")
    p.add_argument("--scripted", action="store_true",
                   help="use a scripted headset rendered offscreen (for machines without a headset)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from engine.xr.check import run_check
    if args.seconds <= 0:
        from replay.errors import QbvrError
        raise QbvrError(f"--seconds must be positive, got {args.seconds:g}")
    return run_check(args.seconds, scripted=args.scripted)
