"""The canonical row schema checked where a reader hands its rows to assembly."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import synthetic_rows

from replay.assemble import PlayContext, build_play
from replay.errors import InputError
from replay.importer import import_paths
from replay.play import PlayMeta
from replay.readers import ngs_highlights
from replay.readers.base import Reader
from replay.rows import COLUMNS, REQUIRED, conform
from replay.sources import Source
from replay.store import PlayStore


def _ctx(source_format: str = "bdb2099", path: str = "/data/week9.csv") -> PlayContext:
    meta = PlayMeta(game_id=1, play_id=1, source_format=source_format, offense_team="HOM", defense_team="AWY",
                    play_type="pass", distance=10)
    return PlayContext(meta=meta, path=path, direction="right", los_raw=40.0)


@pytest.mark.parametrize("column", REQUIRED)
def test_missing_required_column_is_one_line_error_naming_reader_file_and_column(column):
    df, _ = synthetic_rows()
    with pytest.raises(InputError) as err:
        build_play(df.drop(columns=[column]), _ctx())
    msg = str(err.value)
    assert "\n" not in msg
    assert "'bdb2099'" in msg and "/data/week9.csv" in msg and repr(column) in msg
    assert err.value.column == column and err.value.path == "/data/week9.csv"


def test_column_of_the_wrong_kind_is_named():
    df, _ = synthetic_rows()
    df["x"] = df["x"].astype(str)
    with pytest.raises(InputError, match=r"column 'x'.*reader 'bdb2099'"):
        build_play(df, _ctx())


def test_absent_optional_columns_take_their_declared_defaults():
    df, _ = synthetic_rows()
    dropped = [c.name for c in COLUMNS if not c.required and c.name != "side"]  # the side tells the teams
    slim = df.drop(columns=dropped)
    out = conform(slim, reader="test", path="<test>")
    assert slim.columns.tolist() == [*REQUIRED, "side"]  # the reader's frame is left alone
    for c in COLUMNS:
        if c.name in dropped:
            vals = out[c.name].tolist()
            assert all(v == c.default or (v != v and c.default != c.default) for v in vals), c.name
    play = build_play(slim, _ctx())  # no speed, orientation or names: still a play, acceleration derived
    assert np.isnan(play.o).all() and "derived" in play.flags and set(play.roster.name) == {""}


def test_reader_defect_stops_the_file_with_the_reader_file_and_column(highlights_dir, tmp_path, monkeypatch):
    """A reader whose canonical rows lose `y` on a real file: the import skips that file with one line naming
    the reader, the file and the column, and nothing half-built is stored."""
    real = ngs_highlights.build_play
    monkeypatch.setattr(ngs_highlights, "build_play", lambda rows, ctx: real(rows.drop(columns=["y"]), ctx))
    tsv = sorted(highlights_dir.glob("*.tsv*"))[0]
    store = PlayStore(tmp_path)
    out = import_paths([tsv], store)
    assert not out.imported and store.keys() == []
    [(what, why)] = out.skipped
    assert what == str(tsv) and "\n" not in why
    assert "'ngs_highlights'" in why and "column 'y'" in why and str(tsv) in why


def test_every_reader_implements_the_reader_contract(highlights_dir):
    from replay.readers import READERS
    assert len({r.name for r in READERS}) == len(READERS) == 8
    for r in READERS:
        assert isinstance(r, Reader) and type(r).read is not Reader.read and type(r).matches is not Reader.matches
    tsv = Source(sorted(highlights_dir.glob("*.tsv*"))[0])
    assert [r.name for r in READERS if r.detects(tsv)] == ["ngs_highlights"]
