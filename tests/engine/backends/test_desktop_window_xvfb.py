"""The real desktop window paths under a virtual X server (Xvfb), driven with xdotool: `qbvr review` in a window and
`qbvr train --backend desktop` (number key, click at the crosshair, esc). Screens are grabbed from the X server
(xwd), not from Panda3D, so a window whose frames never reach the screen fails here.

Skipped when Xvfb, xdotool or xwd are missing (`apt-get install xvfb xdotool x11-apps`; `.ci/run` installs them).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from engine.outcome import OUTCOMES

TOOLS = ("Xvfb", "xdotool", "xwd")
pytestmark = pytest.mark.skipif(any(shutil.which(t) is None for t in TOOLS),
                                reason="needs Xvfb, xdotool and xwd (apt-get install xvfb xdotool x11-apps)")
QBVR = [sys.executable, "-m", "engine.cli"]
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def xdisplay():
    """A private Xvfb on a free display number (Xvfb picks it and reports it through -displayfd)."""
    r, w = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "1024x640x24", "-nolisten", "tcp"],
                            pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(w)
    try:
        with os.fdopen(r) as f:
            num = f.readline().strip()
        if not num.isdigit():
            pytest.fail(f"Xvfb did not report a display number (exit code {proc.poll()})")
        yield f":{num}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def review_store(tmp_path_factory, highlights_dir):
    """A store holding one real pass play, 2018092311:141."""
    from replay.importer import import_paths
    from replay.store import PlayStore

    store = PlayStore(tmp_path_factory.mktemp("store"))
    result = import_paths(sorted(highlights_dir.glob("*_2018092311_141.tsv.gz")), store)
    assert result.imported, result.skipped
    return store


def _env(display: str) -> dict[str, str]:
    env = dict(os.environ, DISPLAY=display, PYTHONPATH=str(ROOT))
    env.pop("XR_RUNTIME_JSON", None)
    return env


def _xdo(display: str, *args: str) -> str:
    return subprocess.run(["xdotool", *args], env=_env(display), capture_output=True, text=True, timeout=20).stdout


def _wait_window(display: str, proc: subprocess.Popen, title: str, timeout: float = 30.0) -> str:
    t_end = time.monotonic() + timeout
    while time.monotonic() < t_end:
        ids = _xdo(display, "search", "--name", title).split()
        if ids:
            _xdo(display, "windowfocus", ids[0])
            return ids[0]
        if proc.poll() is not None:
            pytest.fail(f"qbvr exited ({proc.returncode}) before its window opened: {proc.stderr.read()}")
        time.sleep(0.2)
    pytest.fail(f"no window titled {title!r} within {timeout} s")


def grab(display: str, window: str | None = None) -> np.ndarray:
    """The X server's screen as [H, W, 3] uint8 (xwd ZPixmap, 24 or 32 bits per pixel), cut to `window`."""
    raw = subprocess.run(["xwd", "-root", "-silent"], env=_env(display), capture_output=True, timeout=20,
                         check=True).stdout
    hdr = np.frombuffer(raw[:100], ">u4")
    size, w, h, order, bpp, bpl, ncolors = (int(hdr[i]) for i in (0, 4, 5, 7, 11, 12, 19))
    assert bpp in (24, 32), f"xwd wrote {bpp} bits per pixel"
    n = bpp // 8
    px = np.frombuffer(raw, np.uint8, bpl * h, size + 12 * ncolors).reshape(h, bpl)[:, :n * w].reshape(h, w, n)
    rgb = px[..., [2, 1, 0]] if order == 0 else px[..., [n - 3, n - 2, n - 1]]
    if window is None:
        return rgb
    geo = dict(line.split("=", 1) for line in _xdo(display, "getwindowgeometry", "--shell", window).split())
    x, y, w, h = (int(geo[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))
    return rgb[y:y + h, x:x + w]


def _grass(img: np.ndarray) -> float:
    """Share of pixels that are field green."""
    r, g, b = (img[..., k].astype(int) for k in range(3))
    return float(np.mean((g > 80) & (g > r + 25) & (g > b + 25)))


def _grab_when(display: str, window: str, ready, timeout: float = 20.0) -> np.ndarray:
    """Grab the window until `ready(picture)` (the first frame can take seconds on a loaded machine)."""
    t_end = time.monotonic() + timeout
    img = grab(display, window)
    while not ready(img) and time.monotonic() < t_end:
        time.sleep(0.25)
        img = grab(display, window)
    return img


def test_review_window_shows_the_play_and_answers_keys(review_store, xdisplay):
    proc = subprocess.Popen([*QBVR, "review", "2018092311:141", "--camera", "qb", "--size", "640x360",
                             "--store", str(review_store.root)], env=_env(xdisplay), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        win = _wait_window(xdisplay, proc, "qbvr review")
        qb = _grab_when(xdisplay, win, lambda img: _grass(img) > 0.10)
        assert qb.shape[:2] == (360, 640)
        assert _grass(qb) > 0.10, "the window shows no field (black window?)"
        _xdo(xdisplay, "key", "space", "2")  # pause, all-22 camera: high above, mostly field
        time.sleep(1.0)
        all22 = grab(xdisplay, win)
        assert _grass(all22) > _grass(qb) + 0.10, "the camera key did not change the picture"
        _xdo(xdisplay, "key", "Escape")
        assert proc.wait(timeout=15) == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _stream_events(session: Path) -> list[tuple[str, int]]:
    from engine.training.session.records import RepEvent
    from engine.training.session.stream import read_stream
    if not (session / "stream.msgpack").exists():
        return []
    return [(r.name, r.rep) for r in read_stream(session).of_type(RepEvent)]


def _ended(session: Path, rep: int) -> bool:
    ev = _stream_events(session)
    return any((name, rep) in ev for name in ("throw", "sack", "no_throw", "quit"))


def test_desktop_training_key_click_and_esc(tmp_path, xdisplay):
    """Rep 1: clicks while sweeping the crosshair throw to the receiver it finds; rep 2: number key 2 throws to
    receiver 2; rep 3: esc quits. The session's summary says so."""
    out = tmp_path / "s"
    proc = subprocess.Popen([*QBVR, "train", "builtin", "--size", "640x360", "--lead", "1", "--out", str(out),
                             "--no-report"], env=_env(xdisplay), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        win = _wait_window(xdisplay, proc, "qbvr")
        t_end = time.monotonic() + 60
        k = 0
        while not _ended(out, 1):
            assert time.monotonic() < t_end and proc.poll() is None, "rep 1 did not end"
            # sweep the head across the field (4 deg steps), clicking at each step; clicks before the snap are
            # ignored, after it the first receiver within 6 deg of the crosshair gets the ball
            x = 8 + (k * 16) % 624
            _xdo(xdisplay, "mousemove", "--window", win, str(x), "180", "click", "1", "sleep", "0.05")
            k += 1
        shot = grab(xdisplay, win)
        assert _grass(shot) > 0.10, "the training window shows no field"
        _xdo(xdisplay, "mousemove", "--window", win, "320", "180")
        while not _ended(out, 2):
            assert time.monotonic() < t_end and proc.poll() is None, "rep 2 did not end"
            _xdo(xdisplay, "key", "2")  # ignored before the snap
            time.sleep(0.1)
        while proc.poll() is None:
            assert time.monotonic() < t_end, "esc did not end the session"
            _xdo(xdisplay, "key", "Escape")
            time.sleep(0.2)
        assert proc.returncode == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stdout = proc.stdout.read()
    assert "no headset" in proc.stderr.read() + stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["backend"] == "desktop" and summary["trainee"] == "desktop"
    reps = summary["reps"]
    assert all(r["score"]["outcome"] in OUTCOMES for r in reps[:2]), stdout
    assert reps[0]["score"]["chosen"] in {rc["nfl_id"] for rc in reps[0]["receivers"]}
    keyed = {rc["key"]: rc["nfl_id"] for rc in reps[1]["receivers"]}
    assert reps[1]["score"]["chosen"] == keyed[2]
    from engine.training.session.records import Throw
    from engine.training.session.stream import read_stream
    hows = {r.rep: r.how for r in read_stream(out).of_type(Throw)}
    assert hows == {1: "click", 2: "key"}
    assert ("quit", 3) in _stream_events(out)
