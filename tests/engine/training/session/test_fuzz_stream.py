"""Fuzz: a session stream with any record field replaced by any value, or any bytes cut or flipped, is read as
far as it is intact and summarised; the only error ever raised is a one-line QbvrError."""

from __future__ import annotations

import msgpack
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.cli import main
from engine.training.session.stream import STREAM, read_stream
from engine.training.session.summary import summarize
from replay.errors import QbvrError
from scenes.drills import load_play_ref

_PLAYS: dict = {}


def _load(ref: str):
    """The synthetic play of the session, built once (the fuzz is about the stream, not the play)."""
    if ref not in _PLAYS:
        _PLAYS[ref] = load_play_ref(ref)
    return _PLAYS[ref]

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
values = st.recursive(
    st.none() | st.booleans() | st.integers(-2 ** 63, 2 ** 63 - 1) | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8)


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    out = tmp_path_factory.mktemp("fz") / "s"
    assert main(["train", "synthetic:pressure_hot", "--backend", "offscreen", "--trainee",
                 "scripted:1@0.3,throw=1@1.0", "--out", str(out), "--no-report"]) == 0
    data = (out / STREAM).read_bytes()
    return _records(data)


def _records(data: bytes) -> list:
    u = msgpack.Unpacker(raw=False, strict_map_key=False)
    u.feed(data)
    return list(u)


def _summarise(path) -> None:
    try:
        contents = read_stream(path)
        summarize(contents, _load)
    except QbvrError as e:
        assert "\n" not in str(e)


@FUZZ
@given(st.data())
def test_any_field_of_any_record_replaced(records, tmp_path_factory, data):
    recs = [dict(r) for r in records]
    # the rep start and the throw are where most of the summary comes from: pick them often
    interesting = [i for i, r in enumerate(recs) if r.get("record") in ("session", "rep", "throw", "event", "end")]
    i = data.draw(st.sampled_from(interesting) | st.integers(0, len(recs) - 1))
    key = data.draw(st.sampled_from(sorted(recs[i])))
    if data.draw(st.booleans()):
        recs[i][key] = data.draw(values)
    else:
        del recs[i][key]
    path = tmp_path_factory.mktemp("f") / "stream.msgpack"
    path.write_bytes(b"".join(msgpack.packb(r, use_bin_type=True) for r in recs))
    _summarise(path)


@FUZZ
@given(st.data())
def test_flipped_and_cut_stream_bytes(records, tmp_path_factory, data):
    raw = bytearray(b"".join(msgpack.packb(r, use_bin_type=True) for r in records))
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        raw[pos] ^= data.draw(st.integers(1, 255))
    cut = data.draw(st.integers(0, len(raw)))
    path = tmp_path_factory.mktemp("f") / "stream.msgpack"
    path.write_bytes(bytes(raw[:cut]))
    _summarise(path)
