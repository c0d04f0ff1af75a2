"""The store heals: odd files are skipped with a reason, a stale index repairs itself, dead temp files go, and a
checksum-valid file with hostile content is reported instead of taking the listing down."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import stat
import time
from dataclasses import replace

import msgpack
import pytest
from conftest import make_play

from replay import atomic
from replay.errors import StoreError
from replay.store import PlayStore, StoreWriteError, play_from_bytes, play_to_bytes


@pytest.fixture
def two_plays(tmp_path):
    store = PlayStore(tmp_path)
    a = make_play()
    b = make_play(seed=3)
    b.meta = replace(b.meta, play_id=2)
    store.save_many([a, b])
    return store, a, b


@pytest.fixture
def no_hang():
    """Fail instead of hanging when a read blocks (a FIFO read without O_NONBLOCK waits forever)."""
    old = signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("read blocked")))
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def _crafted(play, edit) -> bytes:
    """A play file whose body was edited and re-checksummed: whole bytes, hostile content."""
    outer = msgpack.unpackb(play_to_bytes(play))
    body = msgpack.unpackb(outer["body"])
    edit(body)
    packed = msgpack.packb(body, use_bin_type=True)
    return msgpack.packb({"format": "qbvr-play", "version": 1, "sha256": hashlib.sha256(packed).hexdigest(),
                          "body": packed}, use_bin_type=True)


def test_fifo_named_like_a_play_does_not_hang_the_listing(two_plays, no_hang):
    store, a, b = two_plays
    fifo = store.root / "2099010100_7.qbplay"
    os.mkfifo(fifo)
    (store.root / "index.json").unlink()
    assert sorted(store.index()) == [a.key, b.key]
    assert any(str(fifo) in p and "FIFO" in p for p in store.problems)
    with pytest.raises(StoreError, match="FIFO"):
        store.load("2099010100:7")


def test_fifo_named_index_json_does_not_hang(two_plays, no_hang):
    store, a, b = two_plays
    (store.root / "index.json").unlink()
    os.mkfifo(store.root / "index.json")
    store2 = PlayStore(store.root)
    assert sorted(store2.keys()) == [a.key, b.key]


def test_directory_named_like_a_play_is_skipped(two_plays):
    store, a, b = two_plays
    (store.root / "2099010100_9.qbplay").mkdir()
    assert sorted(store.index()) == [a.key, b.key]
    assert any("directory" in p for p in store.problems)


def test_file_not_named_like_a_play_is_reported(two_plays):
    store, a, b = two_plays
    (store.root / "notes.qbplay").write_bytes(play_to_bytes(a))
    (store.root / "007_1.qbplay").write_bytes(play_to_bytes(a))
    assert sorted(store.index()) == [a.key, b.key]
    assert sum("GAMEID_PLAYID" in p for p in store.problems) == 2


@pytest.mark.parametrize("bad", [["not", "a", "map"], "text", 5, None,
                                 {"key": "2099010100:1", "game_id": "x", "play_id": 1},
                                 {"key": "other", "game_id": 2099010100, "play_id": 1, "file": [1, 2]}])
def test_index_entry_of_the_wrong_type_is_reread(two_plays, bad):
    store, a, b = two_plays
    path = store.root / "index.json"
    idx = json.loads(path.read_text())
    idx["plays"][a.key] = bad
    path.write_text(json.dumps(idx))
    entries = store.index()
    assert entries[a.key]["game_id"] == a.meta.game_id and entries[a.key]["description"] == a.meta.description
    assert json.loads(path.read_text())["plays"][a.key]["key"] == a.key  # repaired on disk


@pytest.mark.parametrize("what", ["list", "number", "garbage"])
def test_malformed_index_file_is_rebuilt(two_plays, what):
    store, a, b = two_plays
    (store.root / "index.json").write_text({"list": "[]", "number": "3", "garbage": "{not json"}[what])
    assert store.keys() == [a.key, b.key]


@pytest.mark.parametrize("edit, expect", [
    (lambda b: b["arrays"]["x"].__setitem__("shape", [float("inf")]), "malformed"),
    (lambda b: b["arrays"]["x"].__setitem__("shape", [2 ** 62, 2 ** 62]), "malformed"),
    (lambda b: b["arrays"]["x"].__setitem__("shape", [-1]), "malformed"),
    (lambda b: b.__setitem__("meta", ["not", "a", "map"]), "meta"),
    (lambda b: b["meta"].__setitem__("game_id", "../../etc"), "game_id"),
    (lambda b: b["meta"].__setitem__("extra", 5), "extra"),
    (lambda b: b.__setitem__("events", [[2 ** 62, "x"]]), "malformed"),
    (lambda b: b.__setitem__("flags", "x"), "malformed"),
    (lambda b: b.__setitem__("arrays", 7), "arrays"),
], ids=["shape-inf", "shape-huge", "shape-negative", "meta-list", "game_id-str", "extra-int", "event-huge",
        "flags-str", "arrays-int"])
def test_checksum_valid_hostile_play_is_reported_and_the_rest_listed(two_plays, edit, expect):
    store, a, b = two_plays
    data = _crafted(b, edit)
    with pytest.raises(StoreError, match=expect):
        play_from_bytes(data, "crafted")
    path = store.path_for(b.key)
    path.write_bytes(data)
    assert list(store.index()) == [a.key]
    assert any(str(path) in p for p in store.problems)


def test_play_file_holding_another_play_is_refused(two_plays):
    store, a, b = two_plays
    store.path_for(b.key).write_bytes(play_to_bytes(a))
    with pytest.raises(StoreError, match=f"holds play {a.key}"):
        store.load(b.key)
    assert list(store.index()) == [a.key]


def test_index_repairs_after_interrupted_reimport(two_plays):
    """An import killed between saving a play and updating the index leaves the old summary behind; the next
    listing sees the file's size/mtime changed and re-reads it."""
    store, a, b = two_plays
    store.keys()
    newer = make_play(seed=11)
    newer.meta = replace(newer.meta, description="re-imported", play_type="run")
    store.save(newer, update_index=False)  # the kill lands here: file replaced, index not
    st = store.path_for(a.key).stat()
    os.utime(store.path_for(a.key), ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    entries = PlayStore(store.root).index()
    assert entries[a.key]["description"] == "re-imported" and entries[a.key]["play_type"] == "run"
    assert json.loads((store.root / "index.json").read_text())["plays"][a.key]["description"] == "re-imported"


def test_deleted_play_leaves_the_index(two_plays):
    store, a, b = two_plays
    store.path_for(b.key).unlink()
    assert list(store.index()) == [a.key]


def test_stale_temp_files_are_cleaned_fresh_ones_kept(two_plays):
    store, a, b = two_plays
    stale = store.root / f".{a.key.replace(':', '_')}.qbplay.abc123.tmp"
    fresh = store.root / ".index.json.def456.tmp"
    stale.write_bytes(b"half a play")
    fresh.write_bytes(b"being written")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    store.keys()
    assert not stale.exists() and fresh.exists()


def test_listing_a_read_only_store_works(two_plays, monkeypatch):
    store, a, b = two_plays
    (store.root / "index.json").unlink()

    def read_only(*args, **kw):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("replay.store.write_atomic", read_only)
    assert PlayStore(store.root).keys() == [a.key, b.key]


@pytest.mark.parametrize("code, fatal", [(errno.ENOSPC, True), (errno.EROFS, True), (errno.EISDIR, False)])
def test_write_failure_is_a_store_error_saying_whether_to_stop(tmp_path, monkeypatch, code, fatal):
    def fail(*args, **kw):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr("replay.store.write_atomic", fail)
    with pytest.raises(StoreWriteError, match=os.strerror(code)) as e:
        PlayStore(tmp_path).save(make_play())
    assert e.value.fatal is fatal


def test_atomic_write_gives_the_umask_mode_not_0600(tmp_path):
    old = os.umask(0o022)
    try:
        atomic.write_atomic(tmp_path / "a.bin", b"x")
        os.umask(0o077)
        atomic.write_atomic(tmp_path / "b.bin", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.bin").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "b.bin").stat().st_mode) == 0o600
