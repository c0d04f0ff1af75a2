"""The play store: round trip, atomic replacement, corrupt and truncated files, the index."""

from __future__ import annotations

import os
from dataclasses import replace

import numpy as np
import pytest
from conftest import make_play

from replay.errors import StoreError
from replay.store import PlayStore, play_from_bytes, play_to_bytes


def _same(a, b):
    assert a.meta == b.meta
    assert a.events == b.events and a.flags == b.flags
    for k in ("frame_id", "t", "x", "y", "s", "a", "o", "dir", "ball_t", "ball_x", "ball_y"):
        np.testing.assert_array_equal(getattr(a, k), getattr(b, k))
        assert getattr(a, k).dtype == getattr(b, k).dtype
    for k in ("nfl_id", "name", "jersey", "position", "side", "team", "role", "role_source"):
        np.testing.assert_array_equal(getattr(a.roster, k), getattr(b.roster, k))
    np.testing.assert_array_equal(a.roster.height_m, b.roster.height_m)


def test_round_trip(tmp_path, tiny_play):
    store = PlayStore(tmp_path)
    store.save(tiny_play)
    _same(tiny_play, store.load(tiny_play.key))
    assert store.keys() == [tiny_play.key]
    assert store.index()[tiny_play.key]["play_type"] == "pass"


def test_file_header_is_versioned_little_endian(tiny_play):
    import msgpack
    outer = msgpack.unpackb(play_to_bytes(tiny_play))
    assert outer["format"] == "qbvr-play" and outer["version"] == 1 and len(outer["sha256"]) == 64
    body = msgpack.unpackb(outer["body"])
    assert body["arrays"]["x"]["dtype"] == "<f4"


def test_reimport_replaces(tmp_path):
    store = PlayStore(tmp_path)
    a = make_play()
    store.save(a)
    b = make_play(seed=5)
    b.meta = replace(b.meta, description="replaced")
    store.save(b)
    assert store.load(a.key).meta.description == "replaced"
    assert len(store.keys()) == 1


def test_crash_mid_write_keeps_old_play(tmp_path, monkeypatch, tiny_play):
    store = PlayStore(tmp_path)
    store.save(tiny_play)
    before = store.path_for(tiny_play.key).read_bytes()

    def boom(*a, **k):
        raise OSError("simulated crash before rename")

    monkeypatch.setattr(os, "replace", boom)
    changed = make_play(seed=9)
    with pytest.raises(OSError):
        store.save(changed)
    monkeypatch.undo()
    assert store.path_for(tiny_play.key).read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    _same(tiny_play, store.load(tiny_play.key))


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_corrupt_store_file_is_a_clear_error_and_the_rest_works(tmp_path, damage):
    store = PlayStore(tmp_path)
    good = make_play()
    other = make_play()
    other.meta = replace(other.meta, play_id=2)
    store.save_many([good, other])
    path = store.path_for(other.key)
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        b = bytearray(data)
        b[len(b) // 2] ^= 0xFF
        path.write_bytes(bytes(b))
    elif damage == "garbage":
        path.write_bytes(b"not a play at all")
    else:
        path.write_bytes(b"")
    with pytest.raises(StoreError) as e:
        store.load(other.key)
    assert str(path) in str(e.value)
    _same(good, store.load(good.key))
    (tmp_path / "index.json").unlink()
    assert list(store.index()) == [good.key]
    assert any(str(path) in p for p in store.problems)


def test_missing_play_message(tmp_path):
    with pytest.raises(StoreError, match="qbvr import"):
        PlayStore(tmp_path).load("1:2")
    with pytest.raises(StoreError, match="GAMEID:PLAYID"):
        PlayStore(tmp_path).load("nonsense")


def test_untrusted_dtype_rejected(tiny_play):
    import hashlib

    import msgpack
    outer = msgpack.unpackb(play_to_bytes(tiny_play))
    body = msgpack.unpackb(outer["body"])
    body["arrays"]["x"]["dtype"] = "|O"
    packed = msgpack.packb(body)
    data = msgpack.packb({"format": "qbvr-play", "version": 1, "sha256": hashlib.sha256(packed).hexdigest(),
                          "body": packed})
    with pytest.raises(StoreError, match="malformed"):
        play_from_bytes(data)
