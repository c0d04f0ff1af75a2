"""The append-only session stream, its truncated-tail recovery and atomic summaries."""

from __future__ import annotations

import json

import pytest

from engine.training.session.records import FrameSample, SessionHeader
from engine.training.session.stream import STREAM, SessionWriter, read_stream, read_summary, write_summary
from replay.errors import InputError


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_writer_flushes_every_interval_and_reads_back(tmp_path):
    clock = FakeClock()
    w = SessionWriter(tmp_path / "s", SessionHeader(backend="test"), clock=clock)
    path = tmp_path / "s" / STREAM
    size0 = path.stat().st_size  # the header is on disk at once
    assert size0 > 0
    for i in range(10):
        clock.now += 0.04
        w.write(FrameSample(1, i / 25, [0.0, 0.0, 1.8], [1.0, 0.0, 0.0], index=i))
    assert path.stat().st_size == size0  # 0.4 s: still buffered
    clock.now += 0.11
    w.write(FrameSample(1, 0.4, [0.0, 0.0, 1.8], [1.0, 0.0, 0.0], index=10))
    assert path.stat().st_size > size0  # 0.51 s since the last flush: written out
    got = read_stream(tmp_path / "s")
    assert [r.index for r in got.of_type(FrameSample)] == list(range(11))
    assert not got.complete and got.problem == ""
    w.close()
    got = read_stream(tmp_path / "s")
    assert got.complete and got.header.backend == "test"


def test_every_truncation_recovers_all_complete_records(tmp_path):
    w = SessionWriter(tmp_path / "s", SessionHeader())
    for i in range(40):
        w.write(FrameSample(1, i / 60, [1.5, 2.25, 1.8], [1.0, 0.0, 0.0], index=i, hit_nfl_id=1000 + i,
                            zone="short_left"))
    w.close()
    data = (tmp_path / "s" / STREAM).read_bytes()
    full = read_stream(tmp_path / "s")
    ends = []  # byte offset where each record ends
    import msgpack
    u = msgpack.Unpacker(raw=False)
    u.feed(data)
    for _ in u:
        ends.append(u.tell())
    for cut in range(ends[0], len(data) + 1, 7):
        (tmp_path / "cut.msgpack").write_bytes(data[:cut])
        got = read_stream(tmp_path / "cut.msgpack")
        n = sum(1 for e in ends if e <= cut)
        assert len(got.records) == n
        assert got.records == full.records[:n]
        assert got.consumed == (ends[n - 1] if n else 0)
        assert (got.problem != "") == (cut not in ends)


def test_not_a_session_stream(tmp_path):
    (tmp_path / "x.msgpack").write_bytes(b"\x93\x01\x02\x03")
    with pytest.raises(InputError, match="not a qbvr session"):
        read_stream(tmp_path / "x.msgpack")
    with pytest.raises(InputError, match="cannot read"):
        read_stream(tmp_path / "missing")


def test_writer_refuses_to_overwrite_a_session(tmp_path):
    SessionWriter(tmp_path / "s", SessionHeader()).close()
    with pytest.raises(InputError, match="already exists"):
        SessionWriter(tmp_path / "s", SessionHeader())


def test_summary_is_atomic_json(tmp_path):
    write_summary(tmp_path, {"a": 1})
    assert read_summary(tmp_path) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["summary.json"]  # no temp files left
    (tmp_path / "summary.json").write_text("{")
    with pytest.raises(InputError, match="summary"):
        read_summary(tmp_path)
    assert json.loads('{"b": 2}')
