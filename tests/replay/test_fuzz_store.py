"""Fuzz: whatever bytes sit in a play file or the index, loading is a StoreError naming the file (never another
exception) and the listing shows every good play."""

from __future__ import annotations

import hashlib
import json

import msgpack
from conftest import make_play
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replay.errors import StoreError
from replay.store import PlayStore, play_from_bytes, play_to_bytes

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
GOOD = make_play()
GOOD_BYTES = play_to_bytes(GOOD)
BODY = msgpack.unpackb(msgpack.unpackb(GOOD_BYTES)["body"])

# msgpack-encodable values of every kind, small
values = st.recursive(
    st.none() | st.booleans() | st.integers(-2 ** 63, 2 ** 64 - 1) | st.floats() | st.text(max_size=8)
    | st.binary(max_size=16),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12)


def _wrap(body) -> bytes:
    packed = msgpack.packb(body, use_bin_type=True)
    return msgpack.packb({"format": "qbvr-play", "version": 1, "sha256": hashlib.sha256(packed).hexdigest(),
                          "body": packed}, use_bin_type=True)


def _load_or_store_error(data: bytes) -> None:
    try:
        play_from_bytes(data, "fuzzed")
    except StoreError as e:
        assert str(e).startswith("fuzzed")


@FUZZ
@given(st.binary(max_size=2048))
def test_random_bytes_are_a_store_error(data):
    _load_or_store_error(data)


@FUZZ
@given(st.integers(0, len(GOOD_BYTES) - 1), st.integers(1, 255), st.integers(0, len(GOOD_BYTES)))
def test_flipped_or_truncated_play_files_are_a_store_error(pos, xor, cut):
    b = bytearray(GOOD_BYTES)
    b[pos] ^= xor
    _load_or_store_error(bytes(b[:cut]))


@FUZZ
@given(st.sampled_from(["meta", "roster", "arrays", "events", "flags", "roster_extra"]), st.data())
def test_checksum_valid_body_with_any_field_replaced_is_a_store_error(section, data):
    body = msgpack.unpackb(msgpack.packb(BODY))
    target = body[section]
    if isinstance(target, dict) and target and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(target)))
        if isinstance(target[key], dict) and target[key] and data.draw(st.booleans()):
            sub = data.draw(st.sampled_from(sorted(target[key])))
            target[key][sub] = data.draw(values)
        else:
            target[key] = data.draw(values)
    else:
        body[section] = data.draw(values)
    _load_or_store_error(_wrap(body))


@settings(FUZZ, max_examples=25)
@given(values)
def test_any_index_content_lists_the_good_play(tmp_path_factory, index_doc):
    root = tmp_path_factory.mktemp("s")
    store = PlayStore(root)
    store.save(GOOD)
    (root / "index.json").write_text(json.dumps({"version": 1, "plays": {GOOD.key: index_doc}}, default=str))
    entries = store.index()
    assert list(entries) == [GOOD.key] and entries[GOOD.key]["description"] == GOOD.meta.description
