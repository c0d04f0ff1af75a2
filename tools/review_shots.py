"""Screenshots for looking at a play from every review camera at the snap, mid-rush and the release, written
outside the repository (default /tmp/qbvr-shots/KEY_CAMERA_MOMENT.png), with the review aids on.

    QBVR_SHARED_DATA=../shared/data python tools/review_shots.py --store DIR 2018092311:141 2018092306:3553
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.app import close_play, open_play, render_at  # noqa: E402
from engine.backends.panda_display import PandaDisplay  # noqa: E402
from engine.renderer import Renderer, save_png  # noqa: E402
from replay.roles import release_time  # noqa: E402
from replay.store import PlayStore  # noqa: E402

CAMERAS = ("qb", "all22", "endzone", "sideline")


def moments(play) -> dict[str, float]:
    """The snap, halfway to the release (mid-rush) and the release (else 2.5 s after the snap)."""
    snap = play.event_time("ball_snap") or 0.0
    rel = release_time(play) or snap + 2.5
    return {"snap": snap, "midrush": (snap + rel) / 2, "release": rel}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("keys", nargs="+")
    ap.add_argument("--store", required=True)
    ap.add_argument("--out", type=Path, default=Path("/tmp/qbvr-shots"))
    ap.add_argument("--size", default="960x540")
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.lower().split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    store = PlayStore(args.store)
    r = Renderer(PandaDisplay("offscreen", (w, h)))
    try:
        for key in args.keys:
            play = store.load(key)
            view = open_play(r, play, review=True)
            for cam in CAMERAS:
                view.set_camera(cam)
                for name, t in moments(play).items():
                    path = args.out / f"{key.replace(':', '_')}_{cam}_{name}.png"
                    save_png(path, render_at(view, t))
                    print(path)
            close_play(view)
    finally:
        r.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
