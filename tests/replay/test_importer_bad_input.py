"""Bad input gives a clear error naming the file, line and column; nothing stored earlier is damaged."""

from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest
from conftest import synthetic_rows

from engine.cli import main
from replay.errors import InputError
from replay.importer import import_paths
from replay.store import PlayStore

NGS_COLUMNS = ["gameId", "playId", "playType", "season", "seasonType", "week", "preSnapHomeScore",
               "preSnapVisitorScore", "playDirection", "quarter", "gameClock", "down", "yardsToGo", "yardline",
               "yardlineSide", "yardlineNumber", "absoluteYardlineNumber", "possessionFlag", "homeTeamFlag",
               "teamAbbr", "frame", "displayName", "esbId", "gsisId", "jerseyNumber", "nflId", "position",
               "positionGroup", "time", "x", "y", "s", "o", "dir", "event", "playDescription"]


def ngs_frame(play_id: int = 1, game_id: int = 2099010100, **kw) -> pd.DataFrame:
    """A synthetic play in the exact NGS highlights TSV schema."""
    rows, info = synthetic_rows(**kw)
    ball = rows.is_ball.to_numpy()
    off = rows.side == "off"
    df = pd.DataFrame({
        "gameId": game_id, "playId": play_id, "playType": "play_type_pass", "season": 2099, "seasonType": "REG",
        "week": 1, "preSnapHomeScore": 0, "preSnapVisitorScore": 0, "playDirection": info["direction"],
        "quarter": 1, "gameClock": "10:00", "down": 1, "yardsToGo": 10, "yardline": "HOM 30",
        "yardlineSide": "HOM", "yardlineNumber": 30, "absoluteYardlineNumber": int(info["los_raw"]),
        "possessionFlag": np.where(ball, np.nan, off.astype(float)),
        "homeTeamFlag": np.where(ball, np.nan, off.astype(float)),
        "teamAbbr": np.where(ball, "", np.where(off, "HOM", "AWY")),
        "frame": rows.frame_id - 1, "displayName": rows["name"], "esbId": "", "gsisId": "",
        "jerseyNumber": rows.jersey, "nflId": rows.nfl_id, "position": rows.position, "positionGroup": "",
        "time": "2099-09-09 13:00:00.000", "x": rows.x.round(2), "y": rows.y.round(2), "s": rows.s.round(2),
        "o": rows.o.round(2), "dir": rows.dir.round(2), "event": rows.event,
        "playDescription": "(10:00) A.Passer pass short right to P.1006 for 20 yards",
    })
    return df[NGS_COLUMNS]


def write_tsv(df: pd.DataFrame, path, gz: bool = False):
    text = df.to_csv(sep="\t", index=False)
    if gz:
        with gzip.open(path, "wt") as fh:
            fh.write(text)
    else:
        path.write_text(text)
    return path


@pytest.fixture
def store_with_play(tmp_path):
    """A store that already holds one good play, and a snapshot of its bytes."""
    store = PlayStore(tmp_path / "store")
    good = write_tsv(ngs_frame(play_id=1), tmp_path / "good.tsv")
    result = import_paths([good], store)
    assert result.imported == ["2099010100:1"]
    path = store.path_for("2099010100:1")
    return store, path.read_bytes()


def _import_bad(tmp_path, store, path, capsys):
    code = main(["import", "--quiet", "--store", str(store.root), str(path)])
    out = capsys.readouterr()
    return code, out.out + out.err


def _intact(store, snapshot):
    assert store.path_for("2099010100:1").read_bytes() == snapshot
    assert store.keys() == ["2099010100:1"]
    store.load("2099010100:1")


def test_missing_column(tmp_path, store_with_play, capsys):
    store, snap = store_with_play
    bad = write_tsv(ngs_frame(play_id=2).drop(columns=["x"]), tmp_path / "missing.tsv")
    code, text = _import_bad(tmp_path, store, bad, capsys)
    assert code == 1
    assert "missing.tsv" in text and "line 1" in text and "missing column 'x'" in text
    _intact(store, snap)


def test_non_numeric_x_costs_only_that_cell(tmp_path, store_with_play, capsys):
    store, snap = store_with_play
    df = ngs_frame(play_id=2)
    df["x"] = df["x"].astype(object)
    df.loc[57, "x"] = "forty"
    bad = write_tsv(df, tmp_path / "nonnum.tsv")
    code, text = _import_bad(tmp_path, store, bad, capsys)
    assert code == 0
    assert "nonnum.tsv, line 59, column 'x': value 'forty' is not a number; treated as missing" in text
    assert store.keys() == ["2099010100:1", "2099010100:2"]
    assert store.path_for("2099010100:1").read_bytes() == snap


def test_duplicate_frames_are_dropped_and_flagged(tmp_path, store_with_play, capsys):
    store, snap = store_with_play
    df = ngs_frame(play_id=2)
    dup = df[df.frame == 20].copy()
    dup["x"] += 0.5  # conflicting values for the same (frame, player): the first row wins
    df = pd.concat([df, df.iloc[:100], dup], ignore_index=True)
    path = write_tsv(df, tmp_path / "dups.tsv")
    code, text = _import_bad(tmp_path, store, path, capsys)
    assert code == 0
    play = store.load("2099010100:2")
    assert "duplicate_rows" in play.flags
    assert "100 exact duplicate rows" in play.flags["duplicate_rows"]
    ref = store.load("2099010100:1")
    np.testing.assert_allclose(play.x, ref.x)


def test_truncated_gzip(tmp_path, store_with_play, capsys):
    store, snap = store_with_play
    full = write_tsv(ngs_frame(play_id=2), tmp_path / "full.tsv.gz", gz=True).read_bytes()
    bad = tmp_path / "trunc.tsv.gz"
    bad.write_bytes(full[: len(full) // 2])
    code, text = _import_bad(tmp_path, store, bad, capsys)
    assert code == 1
    assert "trunc.tsv.gz" in text and "truncated or corrupt" in text
    _intact(store, snap)


def test_empty_file(tmp_path, store_with_play, capsys):
    store, snap = store_with_play
    bad = tmp_path / "empty.csv"
    bad.write_text("")
    code, text = _import_bad(tmp_path, store, bad, capsys)
    assert code == 1
    assert "empty.csv, line 1: the file is empty" in text
    _intact(store, snap)


def test_one_bad_play_skipped_rest_import(tmp_path, capsys):
    """A week-style file with three plays, one without any offense rows: two import, one is skipped."""
    a, b, c = ngs_frame(play_id=1), ngs_frame(play_id=2), ngs_frame(play_id=3)
    b = b[b.possessionFlag != 1]  # play 2 has no offense: cannot be built
    path = write_tsv(pd.concat([a, b, c]), tmp_path / "week.tsv")
    store = PlayStore(tmp_path / "s")
    code = main(["import", "--quiet", "--store", str(store.root), str(path)])
    text = capsys.readouterr().out
    assert code == 0
    assert store.keys() == ["2099010100:1", "2099010100:3"]
    assert "imported 2 plays" in text and "skipped 1" in text and "2099010100:2" in text


def test_nothing_imported_exit_status(tmp_path, capsys):
    assert main(["import", "--quiet", "--store", str(tmp_path / "s"), str(tmp_path / "nope.csv")]) == 1
    assert "no such file" in capsys.readouterr().out


def test_streaming_small_chunks_same_result(tmp_path):
    """Plays split across chunks assemble exactly as when read whole."""
    path = write_tsv(pd.concat([ngs_frame(play_id=i) for i in (1, 2, 3)]), tmp_path / "w.tsv.gz", gz=True)
    s1, s2 = PlayStore(tmp_path / "a"), PlayStore(tmp_path / "b")
    import_paths([path], s1)
    import_paths([path], s2, chunk_rows=997)
    assert s1.keys() == s2.keys() == ["2099010100:1", "2099010100:2", "2099010100:3"]
    for k in s1.keys():
        np.testing.assert_array_equal(s1.load(k).x, s2.load(k).x)


def test_input_error_message_format():
    e = InputError("week1.csv", "value 'a' is not a number", line=12, column="x", expected="a number")
    assert str(e) == "week1.csv, line 12, column 'x': value 'a' is not a number (expected a number)"
