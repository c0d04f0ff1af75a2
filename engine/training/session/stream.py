"""The session recording: a directory with an append-only msgpack stream and a summary.

    SESSION/stream.msgpack   one msgpack map per record, appended; written out at least every 0.5 s
    SESSION/summary.json     written atomically at the end; recomputable from the stream (`qbvr report`)

Records carry a kind `k`: `session` (the header: format, version, backend, trainee, start time), `rep` (a rep
starts: play reference and key, eligible receivers, rep clock), `f` (a frame sample: play time `t`, wall time
`w` since the session started, eye position `eye`, gaze direction `dir` (and the head's forward `head` when an
eye tracker separates them), head `yaw`/`pitch`, gaze source `src`, the player hit `hit` (nfl_id, 0 = none), the
zone, the attention category `cat` and the landing point `pt`),
`in` (an input: a throw and how it was given), `ev` (a rep event: snap, throw, sack, no_throw, end) and `end`
(the session closed cleanly). A process killed at any moment leaves a stream whose complete records all read
back: `read_stream` stops at a truncated tail and reports how many bytes it dropped.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import msgpack

from replay.atomic import write_atomic
from replay.errors import InputError

STREAM = "stream.msgpack"
SUMMARY = "summary.json"
FORMAT = "qbvr-session"
VERSION = 1
FLUSH_INTERVAL_S = 0.5


class SessionWriter:
    """Appends records to `SESSION/stream.msgpack`; buffered, written out whenever `FLUSH_INTERVAL_S` has passed
    since the last write (checked on every record) and on `flush()` / `close()`."""

    def __init__(self, directory: str | os.PathLike, header: dict[str, Any], *,
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
        self.write({"k": "session", "format": FORMAT, "version": VERSION, "epoch": time.time(),
                    "flush_s": flush_interval, **header})
        self.flush()

    def wall(self) -> float:
        """Seconds since the session started (the `w` of records)."""
        return self._clock() - self.t0

    def write(self, record: dict[str, Any]) -> None:
        self._buf += self._packer.pack(record)
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
        self.write({"k": "end", "w": round(self.wall(), 4)})
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
    records: list[dict[str, Any]]
    size: int
    consumed: int  # bytes of complete records
    problem: str = ""  # why reading stopped before the end ("" when it did not)
    header: dict[str, Any] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """True when the session closed cleanly (its `end` record is present)."""
        return any(r.get("k") == "end" for r in self.records[-1:])

    @property
    def dropped_bytes(self) -> int:
        return self.size - self.consumed

    def of_kind(self, kind: str, rep: int | None = None) -> list[dict[str, Any]]:
        return [r for r in self.records if r.get("k") == kind and (rep is None or r.get("rep") == rep)]


def stream_path(session: str | os.PathLike) -> Path:
    p = Path(session)
    return p / STREAM if p.is_dir() else p


def read_stream(session: str | os.PathLike) -> StreamContents:
    """All complete records of a session's stream (a directory or the stream file itself). A truncated or
    damaged tail is dropped and described in `problem`; a stream that does not start with a session header is
    an InputError."""
    path = stream_path(session)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(path, f"cannot read the session stream: {e.strerror or e}",
                         expected="a session directory written by `qbvr train`") from None
    unpacker = msgpack.Unpacker(raw=False, strict_map_key=False, max_buffer_size=max(len(data), 1 << 20))
    unpacker.feed(data)
    records: list[dict[str, Any]] = []
    consumed = 0
    problem = ""
    while True:
        try:
            rec = unpacker.unpack()
        except msgpack.OutOfData:
            if consumed < len(data):
                problem = f"truncated record at byte {consumed} ({len(data) - consumed} bytes dropped)"
            break
        except (msgpack.ExtraData, msgpack.FormatError, msgpack.StackError, ValueError, TypeError) as e:
            problem = f"damaged record at byte {consumed}: {e}"
            break
        if not isinstance(rec, dict) or "k" not in rec:
            problem = f"record at byte {consumed} is not a session record"
            break
        records.append(rec)
        consumed = unpacker.tell()
    if not records or records[0].get("k") != "session" or records[0].get("format") != FORMAT:
        raise InputError(path, "not a qbvr session stream (no session header record)",
                         expected=f"a stream starting with a {FORMAT!r} header")
    return StreamContents(path, records, len(data), consumed, problem, records[0])


def write_summary(session: str | os.PathLike, summary: dict[str, Any]) -> Path:
    path = Path(session) / SUMMARY
    write_atomic(path, (json.dumps(summary, indent=1, default=_json_default) + "\n").encode())
    return path


def read_summary(session: str | os.PathLike) -> dict[str, Any] | None:
    path = Path(session) / SUMMARY
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise InputError(path, f"cannot read the summary: {e}", expected="JSON written by qbvr") from None


def _json_default(o: Any) -> Any:
    import numpy as np
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"{type(o).__name__} is not JSON serialisable")
