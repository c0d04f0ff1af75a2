"""`qbvr review`: screenshots and PNG sequences of real plays, offscreen, through the CLI."""

from __future__ import annotations

import struct

import pytest

from engine.cli import build_parser, main
from engine.commands.review import frame_times, parse_size

pytestmark = pytest.mark.render


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    w, h = struct.unpack(">II", data[16:24])
    return w, h


def test_frame_times_cover_the_range_inclusively():
    assert frame_times(0.0, 1.0, 10) == pytest.approx([k / 10 for k in range(11)])
    assert len(frame_times(-20.2, 25.1, 10)) == 454
    assert frame_times(2.0, 2.0, 30) == [2.0]


def test_size_argument():
    assert parse_size("1280x720") == (1280, 720)
    assert parse_size(" 320X180 ") == (320, 180)
    import argparse
    for bad in ("1280", "0x0", "99999x10", "axb"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_size(bad)


def test_help_lists_review_and_its_keys(capsys):
    assert "review" in build_parser().format_help()
    with pytest.raises(SystemExit):
        main(["review", "--help"])
    out = capsys.readouterr().out
    for words in ("--screenshot", "--frames", "--fps", "space play/pause", "1-5 camera", "--camera", "SESSION[:REP]",
                  "--video", "the real QB's ball as a ghost"):
        assert words in out


@pytest.mark.shared_data
def test_review_frames_writes_one_png_per_frame_of_a_whole_play(real_store, real_pass_play, tmp_path, capsys):
    out = tmp_path / "frames"
    rc = main(["review", real_pass_play.key, "--frames", str(out), "--fps", "10", "--size", "96x54",
               "--camera", "all22", "--store", str(real_store.root)])
    assert rc == 0
    files = sorted(out.glob("frame_*.png"))
    assert len(files) == real_pass_play.n_frames == 454
    assert files[0].name == "frame_00000.png" and files[-1].name == "frame_00453.png"
    assert {png_size(f) for f in files[::50]} == {(96, 54)}
    err = capsys.readouterr().err
    assert "rendering 2018092311:141" in err and "100%" in err and "454/454" in err
    assert not list(out.glob(".*.tmp")), "writes are atomic: no temp files left"


@pytest.mark.shared_data
def test_review_frames_between_events(real_store, real_pass_play, tmp_path, capsys):
    out = tmp_path / "f"
    rc = main(["review", real_pass_play.key, "--frames", str(out), "--fps", "5", "--from", "ball_snap",
               "--to", "pass_forward", "--size", "64x36", "--quiet", "--store", str(real_store.root)])
    assert rc == 0
    t0, t1 = real_pass_play.event_time("ball_snap"), real_pass_play.event_time("pass_forward")
    assert len(list(out.glob("frame_*.png"))) == len(frame_times(t0, t1, 5)) == 17
    assert capsys.readouterr().err == ""


@pytest.mark.shared_data
def test_review_screenshot(real_store, real_pass_play, tmp_path, capsys):
    shot = tmp_path / "snap.png"
    rc = main(["review", real_pass_play.key, "--camera", "endzone", "--at", "pass_forward", "--screenshot",
               str(shot), "--size", "200x120", "--store", str(real_store.root)])
    assert rc == 0 and png_size(shot) == (200, 120)
    assert "t = +3.20 s" in capsys.readouterr().out


@pytest.mark.shared_data
def test_review_errors_are_one_line(real_store, real_pass_play, tmp_path, capsys, monkeypatch):
    rc = main(["review", real_pass_play.key, "--at", "kickoff_land", "--screenshot", str(tmp_path / "x.png"),
               "--store", str(real_store.root)])
    err = capsys.readouterr().err
    assert rc == 2 and "no event 'kickoff_land'" in err and "pass_forward" in err
    rc = main(["review", real_pass_play.key, "--frames", str(tmp_path / "y"), "--from", "pass_forward",
               "--to", "ball_snap", "--store", str(real_store.root)])
    assert rc == 2 and "before --from" in capsys.readouterr().err
    monkeypatch.delenv("DISPLAY", raising=False)
    rc = main(["review", real_pass_play.key, "--store", str(real_store.root)])
    assert rc == 2 and "--screenshot" in capsys.readouterr().err
    rc = main(["review", "2018092311:999999", "--screenshot", str(tmp_path / "z.png"), "--store", str(real_store.root)])
    assert rc == 2


@pytest.mark.shared_data
def test_review_video_writes_an_mp4_whose_frames_and_size_match(real_store, real_pass_play, tmp_path, capsys):
    """Frames stream into the H.264 encoder (no PNGs on disk); read back with the same library."""
    import numpy as np

    from engine.video import read_video
    out = tmp_path / "play.mp4"
    rc = main(["review", real_pass_play.key, "--video", str(out), "--fps", "10", "--from", "ball_snap",
               "--to", "pass_forward", "--size", "160x90", "--camera", "all22", "--store", str(real_store.root)])
    assert rc == 0
    t0, t1 = real_pass_play.event_time("ball_snap"), real_pass_play.event_time("pass_forward")
    n = len(frame_times(t0, t1, 10))
    assert read_video(out) == ((160, 90), 10.0, n)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["play.mp4"], "no PNGs or partial files left"
    assert f"wrote {out} ({n} frames, 160x90, 10 fps, H.264" in capsys.readouterr().out
    import imageio_ffmpeg
    reader = imageio_ffmpeg.read_frames(str(out))
    next(reader)
    first = np.frombuffer(next(reader), np.uint8).reshape(90, 160, 3).astype(int)
    green = (first[..., 1] > first[..., 0] + 15) & (first[..., 1] > first[..., 2] + 15)
    assert green.mean() > 0.3, "the all-22 picture is mostly turf"
    assert first.std() > 10, "the picture has content, not one colour"


def test_review_video_refuses_what_the_encoder_cannot_write(tmp_path, capsys, monkeypatch):
    for args, words in ((["--video", str(tmp_path / "a.avi")], "expected a .mp4"),
                        (["--video", str(tmp_path / "a.mp4"), "--size", "161x90"], "even width and height")):
        rc = main(["review", "2018092311:141", *args, "--store", str(tmp_path / "store")])
        err = capsys.readouterr().err
        assert rc == 2 and words in err and len(err.strip().splitlines()) == 1, err
    with pytest.raises(SystemExit):  # a folder is a usage error, before anything renders
        main(["review", "2018092311:141", "--video", str(tmp_path), "--store", str(tmp_path / "store")])
    assert "is a directory" in capsys.readouterr().err
    import sys
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # the extra is not installed
    rc = main(["review", "2018092311:141", "--video", str(tmp_path / "a.mp4"), "--store", str(tmp_path / "store")])
    assert rc == 2 and "pip install 'qbvr[video]'" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
