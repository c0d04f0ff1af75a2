"""`qbvr import`, `qbvr plays`, `qbvr info` through the real command line entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from engine.cli import main
from replay.store import PlayStore


@pytest.fixture
def small_store(tmp_path):
    from conftest import make_play
    store = PlayStore(tmp_path / "store")
    a = make_play()
    b = make_play(direction="left")
    b.meta = replace(b.meta, play_id=2, play_type="run", offense_team="AWY")
    store.save_many([a, b])
    return store


def test_help_lists_commands():
    out = subprocess.run([sys.executable, "-m", "engine.cli", "--help"], capture_output=True, text=True, check=True)
    for cmd in ("import", "plays", "info", "demo"):
        assert cmd in out.stdout


def test_plays_filters_and_json(small_store, capsys):
    assert main(["plays", "--store", str(small_store.root), "--type", "pass"]) == 0
    out = capsys.readouterr().out
    assert "2099010100:1" in out and "2099010100:2" not in out and "1 plays" in out
    assert main(["plays", "--store", str(small_store.root), "--team", "awy", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["key"] for r in rows} == {"2099010100:1", "2099010100:2"}
    assert main(["plays", "--store", str(small_store.root), "--season", "1999"]) == 0
    assert "no plays match" in capsys.readouterr().out


def test_info_text_and_json(small_store, capsys):
    assert main(["info", "2099010100:1", "--store", str(small_store.root)]) == 0
    out = capsys.readouterr().out
    assert "ball_snap" in out and "pass_forward" in out and "passer" in out and "quality flags" in out
    assert main(["info", "2099010100:1", "--store", str(small_store.root), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["meta"]["los_x"] == 40.0
    assert [e["event"] for e in info["events"]][:2] == ["ball_snap", "pass_forward"]
    assert info["events"][1]["t"] == 2.5
    assert len(info["roster"]) == 22


def test_info_unknown_play_is_one_clear_line(small_store, capsys):
    assert main(["info", "1:1", "--store", str(small_store.root)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qbvr: error: play 1:1 is not in the store") and "Traceback" not in err


@pytest.mark.shared_data
def test_import_highlights_cli(tmp_path, highlights_dir, capsys):
    files = sorted(highlights_dir.glob("*.tsv.gz"))[:3]
    assert main(["import", "--quiet", "--store", str(tmp_path), *map(str, files)]) == 0
    assert "imported 3 plays from 3 tracking files" in capsys.readouterr().out
