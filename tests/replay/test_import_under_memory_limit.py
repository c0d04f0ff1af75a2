"""Import of hostile files under an address-space limit (resource.setrlimit in a child process): it finishes
with the bad play or file named, never a traceback or an unbounded allocation, and good files still import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_importer_bad_input import ngs_frame, write_tsv

LIMIT = 2 << 30  # 2 GiB of address space: numpy, pandas and the readers load in ~1 GiB; a 2e9-frame play needs 8+

RUN = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from engine.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _import_limited(tmp_path: Path, *paths: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.run([sys.executable, "-c", RUN.format(limit=LIMIT), "import", "--quiet", "--store",
                           str(tmp_path / "store"), *map(str, paths)], capture_output=True, text=True, env=env,
                          timeout=120)


def test_frame_number_2e9_under_a_memory_limit(tmp_path):
    df = ngs_frame(play_id=1)
    df.loc[df.index[40], "frame"] = 2_000_000_000
    bad = write_tsv(df, tmp_path / "bad.tsv")
    good = write_tsv(ngs_frame(play_id=2), tmp_path / "good.tsv")
    proc = _import_limited(tmp_path, bad, good)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0 and "imported 1 plays" in proc.stdout
    assert "2099010100:1" in proc.stdout or "bad.tsv" in proc.stdout  # the bad one is named


@pytest.mark.shared_data
def test_real_play_with_one_frame_2e9_finishes_under_the_limit(tmp_path, highlights_dir):
    import pandas as pd
    src = next(highlights_dir.glob("*_2018092311_141.tsv.gz"))
    df = pd.read_csv(src, sep="\t")
    df.loc[df.index[77], "frame"] = 2_000_000_000
    bad = write_tsv(df, tmp_path / "bad.tsv")
    proc = _import_limited(tmp_path, bad)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "2018092311:141" in proc.stdout or "bad.tsv" in proc.stdout


def test_header_field_of_200kb_is_skipped_and_the_folder_imports(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_tsv(ngs_frame(play_id=1), folder / "good.tsv")
    (folder / "notes.csv").write_text("a," + "b" * 200_000 + ",c\n1,2,3\n")
    proc = _import_limited(tmp_path, folder)
    assert proc.returncode == 0 and "imported 1 plays" in proc.stdout and "notes.csv" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_frame_span_over_the_limit_is_skipped_by_its_reason_not_by_memory(tmp_path):
    """Without any memory limit the play is refused by the documented frame limit, before allocation."""
    from replay.importer import import_paths
    from replay.quality import MAX_FRAMES_PER_PLAY
    from replay.store import PlayStore

    df = ngs_frame(play_id=1)
    df.loc[df.index[40], "frame"] = 2_000_000_000
    bad = write_tsv(df, tmp_path / "bad.tsv")
    good = write_tsv(ngs_frame(play_id=2), tmp_path / "good.tsv")
    result = import_paths([bad, good], PlayStore(tmp_path / "store"))
    assert result.imported == ["2099010100:2"]
    (key, why), = result.skipped
    assert key == "2099010100:1" and f"{MAX_FRAMES_PER_PLAY:,}" in why and "bad.tsv" in why


def test_more_players_than_the_limit_is_skipped(tmp_path):
    from replay.importer import import_paths
    from replay.quality import MAX_PLAYERS_PER_PLAY
    from replay.store import PlayStore

    df = ngs_frame(play_id=1)
    players = df.nflId.notna()
    df.loc[players, "nflId"] = df.loc[players, "nflId"] + (df.index[players] % 4) * 100_000  # 88 "players"
    result = import_paths([write_tsv(df, tmp_path / "many.tsv")], PlayStore(tmp_path / "store"))
    assert not result.imported
    assert any(f"limit of {MAX_PLAYERS_PER_PLAY}" in why for _, why in result.skipped)
