"""Garbage never replaces good data: a copy with no usable positions, or far fewer than the stored copy, is
refused and the stored file stays byte-identical; `--force` replaces; infinite and absurd positions are dropped
like NaN and flagged; a store that cannot be written stops the import with one line."""

from __future__ import annotations

import errno
import os

import numpy as np
import pandas as pd
import pytest
from conftest import make_play
from test_importer_bad_input import ngs_frame, write_tsv

from engine.cli import main
from replay.importer import import_paths
from replay.quality import ABSURD_FLAG, MIN_SHARE_OF_STORED, drop_absurd, refusal, usable_share
from replay.store import PlayStore

KEY = "2018092311:141"


@pytest.fixture
def real_file(highlights_dir):
    return next(highlights_dir.glob("*_2018092311_141.tsv.gz"))


@pytest.fixture
def stored(tmp_path, real_file):
    store = PlayStore(tmp_path / "store")
    assert import_paths([real_file], store).imported == [KEY]
    return store


def _two_plays(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for pid in (1, 2):
        write_tsv(ngs_frame(play_id=pid), src / f"2099_HOM_2099010100_{pid}.tsv")
    return src


def _copy(real_file, tmp_path, edit) -> str:
    df = pd.read_csv(real_file, sep="\t")
    edit(df)
    out = tmp_path / "copy" / real_file.name.replace(".tsv.gz", ".tsv")
    out.parent.mkdir(exist_ok=True)
    df.to_csv(out, sep="\t", index=False)
    return str(out)


@pytest.mark.shared_data
@pytest.mark.parametrize("value", ["", "nan", "inf", "1e300"])
def test_all_empty_copy_leaves_the_stored_play_byte_identical(stored, real_file, tmp_path, capsys, value):
    before = stored.path_for(KEY).read_bytes()
    def blank(df):
        df["x"] = value
        df["y"] = value

    bad = _copy(real_file, tmp_path, blank)
    assert main(["import", "--quiet", "--store", str(stored.root), bad]) == 1
    out = capsys.readouterr().out
    assert "no usable positions" in out and "stored copy is kept" in out and KEY in out
    assert stored.path_for(KEY).read_bytes() == before
    # --force never stores a play with nothing to show
    assert main(["import", "--quiet", "--force", "--store", str(stored.root), bad]) == 1
    assert stored.path_for(KEY).read_bytes() == before


@pytest.mark.shared_data
def test_far_worse_copy_is_refused_and_force_replaces_it(stored, real_file, tmp_path, capsys):
    before = stored.path_for(KEY).read_bytes()

    def blank_most_players(df):
        players = df.nflId.dropna().unique()[:18]  # 18 of 22 players lose every position
        df.loc[df.nflId.isin(players), ["x", "y"]] = np.nan

    worse = _copy(real_file, tmp_path, blank_most_players)
    assert main(["import", "--quiet", "--store", str(stored.root), worse]) == 1
    out = capsys.readouterr().out
    assert "usable positions against" in out and "--force" in out
    assert stored.path_for(KEY).read_bytes() == before
    assert main(["import", "--quiet", "--force", "--store", str(stored.root), worse]) == 0
    assert stored.path_for(KEY).read_bytes() != before
    assert usable_share(stored.load(KEY)) < 0.3
    assert stored.index()[KEY]["usable_share"] < 0.3


@pytest.mark.shared_data
def test_a_few_absurd_rows_are_dropped_flagged_and_the_play_imports(tmp_path, real_file):
    def spoil(df):
        df.loc[df.index[100:103], "x"] = np.inf
        df.loc[df.index[200], "y"] = 1e9
        df.loc[df.index[300], "x"] = -5e4

    store = PlayStore(tmp_path / "store")
    assert import_paths([_copy(real_file, tmp_path, spoil)], store).imported == [KEY]
    play = store.load(KEY)
    assert ABSURD_FLAG in play.flags
    assert np.isfinite(play.x[~np.isnan(play.x)]).all() and np.nanmax(np.abs(play.y)) < 100


def test_drop_absurd_sets_nan_and_counts(tiny_play):
    tiny_play.x[3, 2] = np.inf
    tiny_play.y[4, 5] = -1e7
    tiny_play.x[5, 6] = np.nan  # already missing: not counted
    tiny_play.s[1, 1] = -np.inf
    tiny_play.ball_x[2] = np.inf
    assert drop_absurd(tiny_play) == 2
    assert np.isnan(tiny_play.x[3, 2]) and np.isnan(tiny_play.y[3, 2]) and np.isnan(tiny_play.x[4, 5])
    assert np.isnan(tiny_play.s[1, 1]) and np.isnan(tiny_play.ball_x[2])
    assert "2 player-frames" in tiny_play.flags[ABSURD_FLAG]


def test_clean_play_is_not_flagged(tiny_play):
    assert drop_absurd(tiny_play) == 0 and ABSURD_FLAG not in tiny_play.flags
    assert usable_share(tiny_play) == 1.0


def test_replace_rule():
    assert refusal(0.0, None) is not None
    assert refusal(0.0, 0.9, force=True) is not None  # nothing to show: never stored
    assert refusal(0.2, None) is None  # nothing stored: any usable play is better than none
    assert refusal(MIN_SHARE_OF_STORED * 0.9, 0.9) is None
    assert "--force" in refusal(0.3, 0.9)
    assert refusal(0.3, 0.9, force=True) is None
    assert refusal(0.95, 0.6) is None


def test_corrupt_stored_copy_is_replaced(tmp_path):
    store = PlayStore(tmp_path)
    play = make_play()
    store.save(play)
    store.path_for(play.key).write_bytes(b"garbage")
    assert store.usable_share(play.key) is None


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_full_disk_or_read_only_store_stops_import_with_one_line(tmp_path, monkeypatch, capsys, code):
    src = _two_plays(tmp_path)
    real = os.replace

    def failing_replace(a, b, *args, **kw):
        if str(b).endswith(".qbplay"):
            raise OSError(code, os.strerror(code))
        return real(a, b, *args, **kw)

    monkeypatch.setattr(os, "replace", failing_replace)
    assert main(["import", "--quiet", "--store", str(tmp_path / "store"), str(src)]) == 2
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.startswith("qbvr: error:")]
    assert len(lines) == 1 and os.strerror(code) in lines[0] and "Traceback" not in err
    assert not [p for p in (tmp_path / "store").iterdir() if p.name.endswith(".tmp")]


def test_directory_in_place_of_a_play_file_skips_that_play_only(tmp_path, capsys):
    src = _two_plays(tmp_path)
    store = PlayStore(tmp_path / "store")
    store.path_for("2099010100:1").mkdir(parents=True)
    result = import_paths([src], store)
    assert result.imported == ["2099010100:2"] and result.stopped is None
    assert any("2099010100:1" == k and "cannot write" in why for k, why in result.skipped)
