"""The session recording: a directory with an append-only msgpack stream and a summary.

    SESSION/stream.msgpack   one msgpack map per record, appended; written out at least every 0.5 s
    SESSION/summary.json     written atomically at the end; recomputable from the stream (`qbvr report`)

The records are the typed, versioned records of `engine.training.session.records` (a session header, then per
rep its start, frame samples, inputs and events, and an end record when the session closed cleanly). A process
killed at any moment leaves a stream whose complete records all read back: `read_stream` stops at a truncated
or damaged tail and reports what it dropped.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, TypeVar

import msgpack

from replay.atomic import read_regular, write_atomic
from replay.errors import InputError

from .records import FORMAT, READS, VERSION, Record, RecordError, SessionEnd, SessionHeader, from_record, header_version

STREAM = "stream.msgpack"
SUMMARY = "summary.json"
FLUSH_INTERVAL_S = 0.5
R = TypeVar("R")


class SessionWriter:
    """Appends records to `SESSION/stream.msgpack`; buffered, written out whenever `FLUSH_INTERVAL_S` has passed
    since the last write (checked on every record) and on `flush()` / `close()`."""

    def __init__(self, directory: str | os.PathLike, header: SessionHeader, *,
                 flush_interval: float = FLUSH_INTERVAL_S, clock: Callable[[], float] = time.monotonic):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.path = self.dir / STREAM
        if self.path.exists() and self.path.stat().st_size > 0:
            raise InputError(self.path, "a session stream already exists here", expected="a new session directory")
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self._packer = msgpack.Packer(use_bin_type=True)
        self._buf = bytearray()
        self._clock = clock
        self.flush_interval = flush_interval
        self.t0 = clock()
        self._last_flush = self.t0
        self.flushes = 0
        self.records = 0
        self.write(replace(header, epoch=time.time(), flush_s=flush_interval))
        self.flush()

    def wall(self) -> float:
        """Seconds since the session started (the `wall_t` of records)."""
        return self._clock() - self.t0

    def write(self, record: Record) -> None:
        self._buf += self._packer.pack(record.to_record())
        self.records += 1
        if self._clock() - self._last_flush >= self.flush_interval:
            self.flush()

    def flush(self, *, sync: bool = False) -> None:
        """Hand everything buffered to the OS (survives the process being killed); `sync` also fsyncs."""
        if self._fd < 0:
            return
        data, self._buf = bytes(self._buf), bytearray()
        while data:
            n = os.write(self._fd, data)
            data = data[n:]
        self._last_flush = self._clock()
        self.flushes += 1
        if sync:
            os.fsync(self._fd)

    def close(self) -> None:
        if self._fd < 0:
            return
        self.write(SessionEnd(self.wall()))
        self.flush(sync=True)
        os.close(self._fd)
        self._fd = -1

    def __enter__(self) -> "SessionWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass
class StreamContents:
    """Every complete record of a stream, and what was lost at its tail."""

    path: Path
    records: list[Record]
    size: int
    consumed: int  # bytes of complete records
    problem: str = ""  # why reading stopped before the end ("" when it did not)
    header: SessionHeader = field(default_factory=SessionHeader)
    version: int = VERSION  # the format the stream was written in

    @property
    def complete(self) -> bool:
        """True when the session closed cleanly (its end record is present)."""
        return bool(self.records) and isinstance(self.records[-1], SessionEnd)

    @property
    def dropped_bytes(self) -> int:
        return self.size - self.consumed

    def of_type(self, kind: type[R], rep: int | None = None) -> list[R]:
        """The records of one type (e.g. `FrameSample`), of one rep when `rep` is given."""
        return [r for r in self.records if type(r) is kind and (rep is None or getattr(r, "rep", None) == rep)]


def stream_path(session: str | os.PathLike) -> Path:
    p = Path(session)
    return p / STREAM if p.is_dir() else p


def read_stream(session: str | os.PathLike) -> StreamContents:
    """All complete records of a session's stream (a directory or the stream file itself). A truncated or
    damaged tail is dropped and described in `problem`; a stream that does not start with a session header is
    an InputError."""
    path = stream_path(session)
    try:
        data = read_regular(path)  # a FIFO or device named like a stream is refused, not waited on
    except OSError as e:
        raise InputError(path, f"cannot read the session stream: {e.strerror or e}",
                         expected="a session directory written by `qbvr train`") from None
    unpacker = msgpack.Unpacker(raw=False, strict_map_key=False, max_buffer_size=max(len(data), 1 << 20))
    unpacker.feed(data)
    records: list[Record] = []
    consumed = 0
    problem = ""
    version = None
    while True:
        try:
            raw = unpacker.unpack()
        except msgpack.OutOfData:
            if consumed < len(data):
                problem = f"truncated record at byte {consumed} ({len(data) - consumed} bytes dropped)"
            break
        except (msgpack.ExtraData, msgpack.FormatError, msgpack.StackError, ValueError, TypeError) as e:
            problem = f"damaged record at byte {consumed}: {e}"
            break
        if version is None:
            version = _header_version(path, raw)
        try:
            records.append(from_record(raw, version))
        except RecordError as e:
            problem = f"record at byte {consumed} is not a session record: {e}"
            break
        consumed = unpacker.tell()
    if not records:  # empty, or the header itself damaged
        raise InputError(path, "not a qbvr session stream (no session header record)" + (f": {problem}" if problem
                         else ""), expected=f"a stream starting with a {FORMAT!r} header")
    return StreamContents(path, records, len(data), consumed, problem, records[0], version)


def _header_version(path: Path, first: Any) -> int:
    """The format version of a stream from its first record; an InputError when it is not a session header or
    comes from a newer qbvr."""
    version = header_version(first)
    if version is None:
        raise InputError(path, "not a qbvr session stream (no session header record)",
                         expected=f"a stream starting with a {FORMAT!r} header")
    if version not in READS:
        raise InputError(path, f"session stream format version {version} is not one this qbvr reads",
                         expected=f"version {' or '.join(map(str, READS))} (a newer qbvr wrote it?)")
    return version


def write_summary(session: str | os.PathLike, summary: dict[str, Any]) -> Path:
    path = Path(session) / SUMMARY
    write_atomic(path, (json.dumps(summary, indent=1, default=_json_default) + "\n").encode())
    return path


def read_summary(session: str | os.PathLike) -> dict[str, Any] | None:
    """The session's summary.json, None when there is none; InputError when it is damaged or not a file."""
    path = Path(session) / SUMMARY
    try:
        doc = json.loads(read_regular(path).decode("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:  # JSON and UTF-8 errors are ValueErrors
        raise InputError(path, f"cannot read the summary: {e}", expected="JSON written by qbvr") from None
    if not isinstance(doc, dict):
        raise InputError(path, f"the summary is a JSON {type(doc).__name__}", expected="a JSON object")
    return doc


def _json_default(o: Any) -> Any:
    import numpy as np
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"{type(o).__name__} is not JSON serialisable")
