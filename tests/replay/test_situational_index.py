"""The situational index beside the play store: one row per play with every column, rebuilt incrementally (only
new and changed play files), never half-written, bad play files reported and the rest indexed."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import make_play

from replay.index import INDEX_FILE, read_index, update_index
from replay.situation import COLUMNS, situation
from replay.store import PlayStore


def _store(tmp_path, n=3) -> PlayStore:
    store = PlayStore(tmp_path / "plays")
    for k in range(n):
        p = make_play(seed=k)
        p.meta = dataclasses.replace(p.meta, play_id=k + 1)
        store.save(p)
    return store


def test_situation_of_a_dropback(tiny_play):
    row = situation(tiny_play)
    assert set(row) == set(COLUMNS)
    assert row["dropback"] and row["kind"] == "dropback"
    assert row["rushers"] == 4 and row["blitz"] is False
    assert row["time_to_throw"] == pytest.approx(2.5)
    assert row["formation"] == "pistol"  # the QB 5 yd behind the ball, the back 2 yd straight behind him
    assert row["shell"] == 2  # FS and SS 12-14 yd deep, 13 yd apart
    assert row["target_position"] == "WR" and row["air_yards"] > 10
    assert row["offense"] == "HOM" and row["down"] == 1 and row["clock_s"] == 600


def test_index_is_incremental(tmp_path):
    store = _store(tmp_path)
    first = update_index(store)
    assert (first.computed, first.kept, first.dropped) == (3, 0, 0)
    assert [r["key"] for r in read_index(store)] == [f"2099010100:{k}" for k in (1, 2, 3)]
    again = update_index(store)
    assert (again.computed, again.kept) == (0, 3)
    p = store.load("2099010100:2")
    p.meta = dataclasses.replace(p.meta, down=3)
    store.save(p)
    store.path_for("2099010100:3").unlink()
    third = update_index(store)
    assert (third.computed, third.kept, third.dropped) == (1, 1, 1)
    assert {r["key"]: r["down"] for r in read_index(store)} == {"2099010100:1": 1, "2099010100:2": 3}


def test_a_corrupt_play_file_is_reported_and_the_rest_indexed(tmp_path):
    store = _store(tmp_path)
    store.path_for("2099010100:2").write_bytes(b"\x93garbage")
    res = update_index(store)
    assert res.computed == 2 and len(res.problems) == 1 and "2099010100:2" in res.problems[0]


def test_a_failed_write_leaves_the_old_index_whole(tmp_path, monkeypatch):
    store = _store(tmp_path)
    update_index(store)
    before = (store.root / INDEX_FILE).read_bytes()
    p = store.load("2099010100:1")
    p.meta = dataclasses.replace(p.meta, down=4)
    store.save(p)
    import pyarrow.parquet as pq

    def broken(table, where, **kw):
        where.write(b"PAR1 half")
        raise OSError("disk full")
    monkeypatch.setattr(pq, "write_table", broken)
    with pytest.raises(OSError):
        update_index(store)
    assert (store.root / INDEX_FILE).read_bytes() == before
    assert not [q for q in store.root.iterdir() if q.name.endswith(".tmp")]
    monkeypatch.undo()
    assert update_index(store).computed == 1


@pytest.mark.shared_data
def test_formation_from_the_tracks_agrees_with_the_play_by_play(real_store):
    """The play-by-play says "Shotgun" (pistol counts as shotgun there); the tracks must agree on nearly all."""
    rows = update_index(real_store).rows
    drops = [r for r in rows if r["dropback"]]
    agree = sum(("Shotgun" in r["description"]) == (r["formation"] in ("shotgun", "pistol")) for r in drops)
    print(f"\nformation agrees with the play-by-play on {agree} of {len(drops)} dropbacks")
    assert agree / len(drops) >= 0.95


def test_release_labels_fill_coverage(tmp_path):
    """BDB 2025 labels man/zone (`pff_manZone`): it reaches the index."""
    import importlib.util
    from pathlib import Path

    from replay.importer import import_paths
    spec = importlib.util.spec_from_file_location("bdb_release_fixtures",
                                                  Path(__file__).parent / "readers" / "test_bdb.py")
    fx = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fx)
    store = PlayStore(tmp_path / "plays")
    assert import_paths([fx.write_release("bdb2025", tmp_path / "rel")], store).imported
    row = next(r for r in update_index(store).rows if r["key"] == f"{fx.GID}:{fx.PID}")
    assert row["coverage"] == "zone"
    assert row["offense"] == "ARI" and row["rushers"] == 4 and row["dropback"]
