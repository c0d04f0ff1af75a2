"""`qbvr report` on hostile or damaged sessions: names from the stream never leave the report folder, a damaged
summary.json is recomputed from the intact stream, a bad --out is one line."""

from __future__ import annotations

import json
import os
import shutil

import msgpack
import pytest

from engine.cli import main
from engine.training.session.report import write_report
from engine.training.session.stream import STREAM, SUMMARY, read_stream
from engine.training.session.summary import summarize
from scenes.drills import load_play_ref


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """A real scripted training session on a synthetic play (offscreen, about 2 s)."""
    out = tmp_path_factory.mktemp("sess") / "s"
    assert main(["train", "synthetic:pressure_hot", "--backend", "offscreen", "--trainee",
                 "scripted:1@0.3,throw=1@1.0", "--out", str(out), "--no-report"]) == 0
    return out


def _copy(session, tmp_path, edit=None):
    dst = tmp_path / "a" / "b" / "session"
    shutil.copytree(session, dst)
    if edit:
        recs = list(msgpack.Unpacker(open(session / STREAM, "rb"), raw=False, strict_map_key=False))
        (dst / STREAM).write_bytes(b"".join(msgpack.packb(r, use_bin_type=True) for r in map(edit, recs)))
    return dst


def _pngs(root):
    return sorted(p for p in root.rglob("*.png"))


@pytest.mark.parametrize("rep", ["1/../../../X", "/tmp/abs", "../..", "a\x00b", "x" * 5000, -3, 2 ** 62])
def test_rep_number_from_the_stream_never_writes_outside_the_session(session, tmp_path, capsys, rep):
    s = _copy(session, tmp_path, lambda r: dict(r, rep=rep) if "rep" in r else r)
    assert main(["report", str(s)]) == 0
    capsys.readouterr()
    assert all(p.parent == s / "report" for p in _pngs(tmp_path))


@pytest.mark.parametrize("rep", ["1/../../../X", "/etc/x", "..", "a\x00b", "y" * 5000])
def test_write_report_keeps_hostile_rep_names_in_the_folder(session, tmp_path, rep):
    """Even past the stream's type checks (a summary built by other code), every plot lands in out_dir."""
    contents = read_stream(session)
    summary = summarize(contents, load_play_ref)
    for r in summary["reps"]:
        contents_rep = r["rep"]
        r["rep"] = rep
        for rec in contents.records:
            if getattr(rec, "rep", None) == contents_rep:
                rec.rep = rep
    out = tmp_path / "x" / "y" / "report"
    paths = write_report(summary, contents, load_play_ref, out)
    assert len(paths) == 3 and all(p.parent == out and p.exists() for p in paths)
    assert _pngs(tmp_path) == sorted(paths)


@pytest.mark.parametrize("damage", [b"{not json", b"\xff\xfe\x00garbage", b"[1, 2]", b""])
def test_damaged_summary_is_recomputed_from_the_stream(session, tmp_path, capsys, damage):
    s = _copy(session, tmp_path)
    good = json.loads((session / SUMMARY).read_text())
    (s / SUMMARY).write_bytes(damage)
    assert main(["report", str(s)]) == 0
    err = capsys.readouterr().err
    assert "summary.json" in err and "rewritten from the stream" in err and "Traceback" not in err
    assert json.loads((s / SUMMARY).read_text())["reps"] == good["reps"]


def test_fifo_summary_does_not_hang(session, tmp_path, capsys):
    s = _copy(session, tmp_path)
    (s / SUMMARY).unlink()
    os.mkfifo(s / SUMMARY)
    assert main(["report", str(s), "--out", str(tmp_path / "r")]) == 0
    assert "FIFO" in capsys.readouterr().err


def test_out_pointing_at_a_file_is_one_line(session, tmp_path, capsys):
    s = _copy(session, tmp_path)
    (tmp_path / "afile").write_text("x")
    with pytest.raises(SystemExit) as e:  # refused as a usage error before anything is read
        main(["report", str(s), "--out", str(tmp_path / "afile")])
    err = capsys.readouterr().err
    assert e.value.code == 2 and "afile exists and is not a directory" in err and "Traceback" not in err


def test_plot_folder_that_cannot_be_made_is_one_line(session, tmp_path):
    from engine.training.session.report import write_report
    from replay.errors import InputError
    (tmp_path / "afile").write_text("x")
    contents = read_stream(session)
    with pytest.raises(InputError, match="cannot make the plot folder"):
        write_report(summarize(contents, load_play_ref), contents, load_play_ref, tmp_path / "afile")


def test_rep_record_with_missing_fields_reports_what_was_recorded(session, tmp_path, capsys):
    def drop(r):
        if r.get("record") == "rep":
            r = {k: v for k, v in r.items() if k not in ("play_ref", "receivers")}
        return r

    s = _copy(session, tmp_path, drop)
    assert main(["report", str(s)]) == 0
    out = capsys.readouterr().out
    assert "lacks 'play_ref'" in out
