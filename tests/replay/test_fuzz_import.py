"""Fuzz: a tracking CSV with any cells replaced by odd text or numbers, or its bytes cut, imports what it can:
`import_paths` never raises, each play is imported or skipped with a reason, the store stays readable, and a
good play stored before is never replaced by a copy with no usable positions."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_importer_bad_input import NGS_COLUMNS, ngs_frame

from replay.importer import import_paths
from replay.quality import usable_share
from replay.store import PlayStore

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
BASE = ngs_frame(play_id=1, n_frames=25, snap_frame=5, release_frame=15)
TEXT = BASE.to_csv(sep="\t", index=False)
cells = st.one_of(st.sampled_from(["", "nan", "inf", "-inf", "1e300", "2e9", "-1", "abc", "g?", "\x00", "NA",
                                   "0x10", "1,5", '"', "é"]),
                  st.floats(), st.integers(-2 ** 40, 2 ** 40), st.text(max_size=6))


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(BASE) - 1), st.sampled_from(NGS_COLUMNS), cells), min_size=1,
                max_size=6))
def test_odd_cells_never_raise_and_never_replace_a_good_play(tmp_path_factory, edits):
    root = tmp_path_factory.mktemp("f")
    store = PlayStore(root / "store")
    good = root / "good.tsv"
    good.write_text(TEXT)
    assert import_paths([good], store).imported == ["2099010100:1"]
    before = store.path_for("2099010100:1").read_bytes()
    df = BASE.copy().astype(object)
    for row, col, value in edits:
        df.at[row, col] = value
    bad = root / "bad.tsv"
    bad.write_text(df.to_csv(sep="\t", index=False))
    result = import_paths([bad], store)
    assert set(result.imported) | {k for k, _ in result.skipped} or result.ignored
    for key in store.keys():
        play = store.load(key)
        assert usable_share(play) > 0
    if "2099010100:1" not in result.imported:
        assert store.path_for("2099010100:1").read_bytes() == before


@FUZZ
@given(st.integers(0, len(TEXT)), st.integers(0, len(TEXT) - 1), st.integers(1, 255))
def test_cut_or_flipped_tracking_file_never_raises(tmp_path_factory, cut, pos, xor):
    root = tmp_path_factory.mktemp("f")
    raw = bytearray(TEXT.encode())
    raw[pos] ^= xor
    bad = root / "bad.tsv"
    bad.write_bytes(bytes(raw[:cut]))
    store = PlayStore(root / "store")
    result = import_paths([bad], store)  # never raises
    for key in result.imported:
        assert usable_share(store.load(key)) > 0
    assert sorted(result.imported) == store.keys()
