"""Screenshots for looking at a play from every review camera at the snap, mid-rush and the release, written
outside the repository (default $QBVR_SHOTS_DIR, else /tmp/qbvr-shots; KEY_CAMERA_MOMENT.png), with the review
aids on. A session folder (SESSION[:REP]) is shot the same way with the session's marks, at the snap, mid-rush,
the trainee's release and the ball's arrival.

    QBVR_SHARED_DATA=../shared/data python tools/review_shots.py --store DIR 2018092311:141 2018092306:3553
    python tools/review_shots.py --store DIR ~/.local/share/qbvr/sessions/2024-05-01_1012:1
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.app import close_play, open_play, render_at  # noqa: E402
from engine.backends.panda_display import PandaDisplay  # noqa: E402
from engine.renderer import Renderer, save_png  # noqa: E402
from engine.session_view import open_rep  # noqa: E402
from engine.training.session.review import load_rep_review, session_ref  # noqa: E402
from replay.roles import release_time  # noqa: E402
from replay.store import PlayStore  # noqa: E402

CAMERAS = ("qb", "all22", "endzone", "sideline")


def moments(play) -> dict[str, float]:
    """The snap, halfway to the release (mid-rush) and the release (else 2.5 s after the snap)."""
    snap = play.event_time("ball_snap") or 0.0
    rel = release_time(play) or snap + 2.5
    return {"snap": snap, "midrush": (snap + rel) / 2, "release": rel}


def rep_moments(rep) -> dict[str, float]:
    """A session rep: the snap, mid-rush and the trainee's decision, and the arrival when he threw."""
    snap = rep.play.event_time("ball_snap") or 0.0
    out = {"snap": snap, "midrush": (snap + rep.decision_t) / 2, "release": rep.decision_t}
    if rep.throw is not None:
        out["arrival"] = rep.arrival_t
    return out


def shots(r: Renderer, view, name: str, times: dict[str, float], out: Path) -> None:
    for cam in CAMERAS:
        view.set_camera(cam)
        for moment, t in times.items():
            path = out / f"{name}_{cam}_{moment}.png"
            save_png(path, render_at(view, t))
            print(path)
    close_play(view)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("keys", nargs="+", metavar="GAMEID:PLAYID|SESSION[:REP]")
    ap.add_argument("--store", required=True)
    ap.add_argument("--out", type=Path, default=Path(os.environ.get("QBVR_SHOTS_DIR") or "/tmp/qbvr-shots"))
    ap.add_argument("--size", default="960x540")
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.lower().split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    store = PlayStore(args.store)
    r = Renderer(PandaDisplay("offscreen", (w, h)))
    try:
        for key in args.keys:
            ref = session_ref(key)
            if ref is None:
                play = store.load(key)
                shots(r, open_play(r, play, review=True), key.replace(":", "_"), moments(play), args.out)
            else:
                rep = load_rep_review(ref[0], ref[1], store)
                shots(r, open_rep(r, rep), f"session_{ref[0].name}_{ref[1]}", rep_moments(rep), args.out)
    finally:
        r.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
