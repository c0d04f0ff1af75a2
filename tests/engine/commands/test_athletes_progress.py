"""A coach's loop end to end on real plays: a drill made from the play finder with a mirrored and a slowed play,
trained offscreen twice by the scripted trainee as one athlete, then `qbvr athletes`, `qbvr sessions` and
`qbvr progress` (a self-contained HTML page with its PNG plots)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from engine.cli import main


@pytest.fixture
def coach_dirs(tmp_path, monkeypatch):
    for var, leaf in (("QBVR_DRILLS", "drills"), ("QBVR_SESSIONS", "sessions"), ("QBVR_ATHLETES", "athletes")):
        monkeypatch.setenv(var, str(tmp_path / leaf))
    return tmp_path


def _run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.shared_data
@pytest.mark.render
@pytest.mark.slow
def test_drill_from_filters_trained_by_an_athlete_twice_and_the_progress_page(capsys, coach_dirs, real_store):
    st = ("--store", str(real_store.root))
    assert _run(capsys, "drill", "new", "fast", "--rushers", "5+", "--ttt", "-2.5", "--limit", "2", *st)[0] == 0
    assert _run(capsys, "drill", "add", "fast", "2018092311:141", "--mirror", *st)[0] == 0
    assert _run(capsys, "drill", "add", "fast", "2018092311:141", "--speed", "0.75", *st)[0] == 0
    specs = (None, "scripted:1@0.2,2@0.6,throw=2@1.6")
    for name, spec in zip(("Jane Doe", "jane  doe"), specs):  # the same athlete, however it is typed
        argv = ["train", "fast", "--backend", "offscreen", "--fps", "15", "--size", "320x180", "--no-report",
                "--athlete", name, *st] + (["--trainee", spec] if spec else [])
        code, out, err = _run(capsys, *argv)
        assert code == 0, err
        assert "totals: 4 reps" in out
    code, out, _ = _run(capsys, "athletes", "--json")
    assert json.loads(out) == [{**json.loads(out)[0], "athlete": "Jane Doe", "sessions": 2, "reps": 8}]
    code, out, _ = _run(capsys, "sessions", "--athlete", "JANE DOE", "--json")
    rows = json.loads(out)
    assert [r["athlete"] for r in rows] == ["Jane Doe"] * 2 and all(r["reps"] == 4 for r in rows)
    summary = json.loads((coach_dirs / "sessions" / rows[0]["session"] / "summary.json").read_text())
    assert [r["play"] for r in summary["reps"]][2:] == ["2018092311:141@mirror", "2018092311:141@speed=0.75"]

    out_dir = coach_dirs / "progress"
    code, out, err = _run(capsys, "progress", "Jane Doe", "--out", str(out_dir))
    assert code == 0 and "2 sessions" in out, err
    page = (out_dir / "index.html").read_text()
    pngs = sorted(p.name for p in out_dir.glob("*.png"))
    for name in ("decision_time", "decision_per_rep", "best_choice", "cp_chosen_vs_best", "eyes_downfield", "reads",
                 "sacks", "repeated_plays"):
        assert f"{name}.png" in pngs
    assert len(re.findall(r'src="data:image/png;base64,', page)) == len(pngs)  # no file beside it needed
    assert "2018092311:141@mirror" in page and "Repeated plays" in page
    import matplotlib.image as mpimg
    for p in out_dir.glob("*.png"):
        img = mpimg.imread(p)
        assert img.shape[1] > 600 and float(np.std(img[..., :3])) > 0.05, p.name  # a drawn plot, not blank


def test_unknown_athlete_is_a_one_line_error_listing_the_known_ones(capsys, coach_dirs):
    from engine.coach.athletes import add_athlete
    add_athlete("Jane Doe")
    for argv in (("progress", "Bob"), ("sessions", "--athlete", "Bob")):
        code, _, err = _run(capsys, *argv)
        assert code == 2 and "unknown athlete 'Bob'; known: Jane Doe" in err and len(err.strip().splitlines()) == 1
    code, _, err = _run(capsys, "train", "builtin", "--athlete", "a/b", "--backend", "offscreen")
    assert code == 2 and "athlete name 'a/b'" in err
    assert not (coach_dirs / "sessions").exists()  # nothing opened, nothing written
