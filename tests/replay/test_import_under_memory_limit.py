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


def _bdb_companions(folder: Path) -> dict[str, bytes]:
    import sys
    sys.path.insert(0, str(Path(__file__).parent / "readers"))
    from test_bdb import base, bdb2021_files
    rows, info = base()
    files = bdb2021_files(rows, info)
    return {n: df.to_csv(index=False).encode() for n, df in files.items()}


def test_zip_member_with_an_endless_line_is_refused_in_bounded_memory(tmp_path):
    """A 3 MB zip whose tracking member is one 768 MiB "line": refused as it streams (1.7 GB RSS before)."""
    import zipfile
    files = _bdb_companions(tmp_path)
    week = files.pop("week1.csv")
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for n, data in files.items():
            z.writestr(n, data)
        with z.open("week1.csv", "w", force_zip64=True) as f:
            f.write(week.splitlines(keepends=True)[0])
            block = b"a" * (16 << 20)
            for _ in range(48):
                f.write(block)
    proc = _import_limited(tmp_path, path)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "a line longer than 1,048,576 bytes" in proc.stdout and "week1.csv" in proc.stdout


def test_zip_bomb_of_valid_rows_is_refused_by_its_expansion(tmp_path):
    import zipfile

    from replay.sources import MAX_EXPANSION
    files = _bdb_companions(tmp_path)
    week = files.pop("week1.csv").splitlines(keepends=True)
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for n, data in files.items():
            z.writestr(n, data)
        with z.open("week1.csv", "w", force_zip64=True) as f:
            f.write(week[0])
            block = week[1] * ((8 << 20) // len(week[1]))
            for _ in range(40):  # 320 MiB of one repeated row, ~1 MB compressed
                f.write(block)
    proc = _import_limited(tmp_path, path)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert f"more than {MAX_EXPANSION} times its stored size" in proc.stdout
