"""The `qbvr` entry point. `qbvr --help`, `qbvr plays` and `qbvr info` start without the heavy libraries (they took
~1.5 s per call when every command module imported pandas and scipy at start-up).
Timing is checked by tools/bench_cli.py, not here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from replay.store import PlayStore

HEAVY = ("panda3d", "pandas", "matplotlib", "scipy", "lightgbm")

CHILD = """
import contextlib, io, json, sys
from engine.cli import build_parser, main
build_parser().format_help()
out = io.StringIO()
with contextlib.redirect_stdout(out):
    codes = [main(["plays", "--store", sys.argv[1]]), main(["info", sys.argv[2], "--store", sys.argv[1]])]
print(json.dumps({"codes": codes, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def test_plays_and_info_load_no_heavy_library(tmp_path):
    from conftest import make_play

    play = make_play()
    store = PlayStore(tmp_path / "store")
    store.save_many([play])
    from replay.index import update_index
    update_index(store)  # as `qbvr import` does: listing then only reads the index (writing it may load pandas)
    root = Path(__file__).resolve().parents[2]
    res = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "store"), play.key], cwd=root,
                         capture_output=True, text=True, check=True)
    child = json.loads(res.stdout)
    assert child["codes"] == [0, 0]
    assert "1 plays" in child["out"] and f"play {play.key}" in child["out"] and "roster:" in child["out"]
    loaded = {m.split(".")[0] for m in child["modules"]}
    assert not loaded & set(HEAVY), f"imported at start-up: {sorted(loaded & set(HEAVY))}"


def test_output_into_a_closed_pipe_ends_quietly(tmp_path):
    """`qbvr plays | head -1` used to end with a BrokenPipeError traceback once head had closed the pipe."""
    import os

    from conftest import make_play

    play = make_play()
    PlayStore(tmp_path / "store").save_many([play])
    root = Path(__file__).resolve().parents[2]
    r, w = os.pipe()
    os.close(r)  # the reader is already gone: the first write fails
    try:
        res = subprocess.run([sys.executable, "-m", "engine.cli", "info", play.key, "--json", "--store",
                              str(tmp_path / "store")], cwd=root, stdout=w, stderr=subprocess.PIPE, text=True)
    finally:
        os.close(w)
    assert res.returncode == 141
    assert res.stderr == ""
