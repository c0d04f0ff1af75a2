"""tools/review_shots.py writes the pictures a reviewer looks at: qb, all22, endzone and sideline at the snap,
mid-rush and the release of two real plays, and of a scripted session's rep, into $QBVR_SHOTS_DIR (else the
test's tmp folder; never the repository)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.render, pytest.mark.shared_data]
ROOT = Path(__file__).resolve().parents[2]
PLAYS = ("2018092311:141", "2018092306:3553")
CAMERAS = ("qb", "all22", "endzone", "sideline")


def test_review_shots_of_two_real_plays_and_a_session(real_store, real_session, tmp_path):
    import matplotlib.image as mpimg
    out = Path(os.environ.get("QBVR_SHOTS_DIR") or tmp_path / "shots")
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "review_shots.py"), "--store", str(real_store.root),
                          "--out", str(out), "--size", "960x540", *PLAYS, f"{real_session}:1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-2000:]
    written = {Path(line).name for line in run.stdout.split()}
    for key in PLAYS:
        for cam in CAMERAS:
            for moment in ("snap", "midrush", "release"):
                assert f"{key.replace(':', '_')}_{cam}_{moment}.png" in written
    session = [n for n in written if n.startswith("session_")]
    assert len(session) == 4 * 4  # snap, mid-rush, the trainee's release and the arrival
    for name in written:
        img = mpimg.imread(out / name)[..., :3]
        assert img.shape == (540, 960, 3) and img.std() > 0.04, name  # a picture, not a blank buffer
