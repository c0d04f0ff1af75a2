"""Opening tabular sources: .csv, .tsv, .gz and .zip (including a whole Kaggle download), read in chunks.

A `Source` is one table: a file on disk or one member of a zip archive. Its header decides which reader
takes it (see `readers.detect`). Chunked reading wraps pandas' errors into `InputError`s that name the file,
the line and the column.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import warnings
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from .errors import InputError

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".gz")
DEFAULT_CHUNK_ROWS = 400_000
NA_VALUES = ["", "NA", "N/A", "NaN", "nan", "NULL", "null"]  # not "None": an event name placeholder handled later
MAX_LINE_BYTES = 1 << 20  # no tracking row comes near 1 MiB; a longer "line" would be read whole into memory
MAX_EXPANSION = 200  # decompressed / stored bytes: CSV compresses 5-20x, a zip bomb thousands of times
EXPANSION_GRACE = 64 << 20  # the ratio is judged only after this many decompressed bytes


@dataclass(frozen=True)
class Source:
    """One table to read: `path` on disk, or `member` of the zip archive at `path`."""

    path: Path
    member: str | None = None

    @property
    def name(self) -> str:
        """The table's own file name, e.g. 'week1.csv' (used to pair tables)."""
        return Path(self.member).name if self.member else self.path.name

    @property
    def stem(self) -> str:
        n = self.name
        for suf in (".gz", ".csv", ".tsv", ".txt"):
            if n.lower().endswith(suf):
                n = n[: -len(suf)]
        return n

    def __str__(self) -> str:
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    @property
    def stored_size(self) -> int:
        """Bytes on disk (compressed size for zip members): the unit of import progress."""
        if self.member:
            with zipfile.ZipFile(self.path) as z:
                return z.getinfo(self.member).compress_size
        return self.path.stat().st_size

    def open_binary(self, progress: "ByteCounter | None" = None) -> io.BufferedIOBase:
        """A binary stream of the table's (decompressed) bytes; `progress` counts the stored bytes consumed."""
        if self.member:
            z = zipfile.ZipFile(self.path)
            info = z.getinfo(self.member)
            raw = z.open(self.member)
            stream = _Counted(raw, progress, info) if progress else raw
            if self.member.lower().endswith(".gz"):
                stream = _GzipOwning(stream)
            return _limited(stream, self, max(info.compress_size, 1))
        fh = open(self.path, "rb")
        magic = fh.read(4)
        fh.seek(0)
        if magic == b"PK\x03\x04":
            fh.close()
            members = table_members(self.path)
            if len(members) != 1:
                raise InputError(self.path, f"zip archive holds {len(members)} tables", expected="one table here")
            return Source(self.path, members[0]).open_binary(progress)
        stream = _Counted(fh, progress) if progress else fh
        if magic[:2] == b"\x1f\x8b":
            return _limited(_GzipOwning(stream), self, max(self.path.stat().st_size, 1))
        return _limited(stream, self, None)

    def header(self) -> tuple[list[str], str]:
        """The column names and the delimiter, from the first line."""
        try:
            with self.open_binary() as fh:
                first = fh.readline(1 << 20)
        except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as e:
            raise InputError(self, f"cannot read the file ({e})", line=1) from None
        text = first.decode("utf-8-sig", errors="replace").rstrip("\r\n")
        if not text.strip():
            raise InputError(self, "the file is empty", line=1, expected="a header row of column names")
        delim = "\t" if text.count("\t") > text.count(",") else ","
        cols = next(csv.reader([text], delimiter=delim))
        return [c.strip() for c in cols], delim


class _GzipOwning(gzip.GzipFile):
    """A GzipFile that also closes the stream it reads from."""

    def __init__(self, inner) -> None:
        super().__init__(fileobj=inner, mode="rb")
        self._inner = inner

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._inner.close()


class ByteCounter:
    """Bytes of stored (possibly compressed) input consumed so far, for progress bars."""

    def __init__(self) -> None:
        self.n = 0


class _Counted(io.RawIOBase):
    """A read-only stream that adds what it reads to a ByteCounter (scaled to stored size for zip members)."""

    def __init__(self, inner, counter: ByteCounter, info: zipfile.ZipInfo | None = None):
        self.inner = inner
        self.counter = counter
        self.scale = (info.compress_size / info.file_size) if info and info.file_size else 1.0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        data = self.inner.read(len(b))
        n = len(data)
        b[:n] = data
        self.counter.n += int(n * self.scale)
        return n

    def read(self, size: int = -1) -> bytes:
        data = self.inner.read(size)
        self.counter.n += int(len(data) * self.scale)
        return data

    def close(self) -> None:
        self.inner.close()
        super().close()


class _Limited(io.RawIOBase):
    """A read-only stream that refuses input no table has: a line over MAX_LINE_BYTES, or (for compressed input)
    more than MAX_EXPANSION times the stored bytes read, checked as the bytes arrive, before pandas buffers them."""

    def __init__(self, inner, src: "Source", stored: int | None = None):
        self.inner, self.src, self.stored = inner, src, stored
        self.total = 0
        self.since_newline = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        data = self.inner.read(size if size is not None and size >= 0 else -1)
        self._check(data)
        return data

    def _check(self, data: bytes) -> None:
        self.total += len(data)
        nl = data.rfind(b"\n")
        self.since_newline = len(data) - nl - 1 if nl >= 0 else self.since_newline + len(data)
        if self.since_newline > MAX_LINE_BYTES:
            raise InputError(self.src, f"a line longer than {MAX_LINE_BYTES:,} bytes; not a table qbvr reads",
                             expected="rows of a tracking or play table")
        if self.stored and self.total > EXPANSION_GRACE:
            stored = self.stored
            if self.total > MAX_EXPANSION * stored:
                raise InputError(self.src, f"decompresses to more than {MAX_EXPANSION} times its stored size "
                                 f"({self.total:,} bytes from {stored:,}); refused as a likely zip bomb")

    def close(self) -> None:
        self.inner.close()
        super().close()


def _limited(inner, src: "Source", stored: int | None) -> io.BufferedReader:
    """`inner` behind the line-length and expansion checks, buffered (pandas and readline read it efficiently)."""
    return io.BufferedReader(_Limited(inner, src, stored), buffer_size=1 << 16)


def table_members(zip_path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(zip_path) as z:
            return [n for n in z.namelist() if not n.endswith("/") and not Path(n).name.startswith(".")
                    and n.lower().endswith(TABLE_SUFFIXES)]
    except zipfile.BadZipFile as e:
        raise InputError(zip_path, f"not a readable zip archive ({e})") from None


def expand(paths: list[str | os.PathLike]) -> list[Source]:
    """Files, directories (searched recursively) and zip archives -> the tables they hold."""
    out: list[Source] = []
    for p in map(Path, paths):
        if not p.exists():
            raise InputError(p, "no such file or directory")
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not f.name.startswith("."):
                    out.extend(_file_sources(f, quiet=True))
        else:
            out.extend(_file_sources(p, quiet=False))
    return out


def _file_sources(f: Path, quiet: bool) -> list[Source]:
    name = f.name.lower()
    if name.endswith(".zip"):
        return [Source(f, m) for m in table_members(f)]
    if name.endswith(TABLE_SUFFIXES):
        return [Source(f)]
    if quiet:
        return []
    raise InputError(f, "unsupported file type", expected=".csv, .tsv, .gz or .zip")


def read_chunks(src: Source, *, usecols: list[str] | None = None, numeric: tuple[str, ...] = (),
                required: tuple[str, ...] = (), chunk_rows: int = DEFAULT_CHUNK_ROWS,
                dtype: dict[str, object] | None = None, progress: ByteCounter | None = None
                ) -> Iterator[pd.DataFrame]:
    """Yield DataFrames of at most `chunk_rows` rows; each has a `_line` column (1-based file line).

    `required` columns missing from the header, non-numeric values in `numeric` columns, truncated or corrupt
    compression and empty files raise InputError naming the file, line and column.
    """
    cols, delim = src.header()
    missing = [c for c in required if c not in cols]
    if missing:
        raise InputError(src, f"missing column {missing[0]!r}", line=1, column=missing[0],
                         expected="a header with " + ", ".join(required))
    use = [c for c in (usecols or cols) if c in cols]
    line = 2
    fh = src.open_binary(progress)
    try:
        def make_reader():
            return pd.read_csv(fh, sep=delim, usecols=use, chunksize=chunk_rows, na_values=NA_VALUES,
                               keep_default_na=False, dtype=dtype, low_memory=False, encoding="utf-8")

        for chunk in _guard(make_reader, src, line):
            chunk["_line"] = np.arange(line, line + len(chunk))
            for c in numeric:
                if c in chunk and chunk[c].dtype.kind not in "biuf":
                    chunk[c] = _numbers_or_missing(chunk[c], src, line, c)
            line += len(chunk)
            yield chunk
    finally:
        fh.close()


def _numbers_or_missing(col: pd.Series, src: Source, line: int, name: str) -> pd.Series:
    """The column as numbers; a cell that is not one is treated as missing and reported (file, line, column,
    value) as a warning, so one bad cell costs at most that value, never the other plays of the file."""
    conv = pd.to_numeric(col, errors="coerce")
    bad = conv.isna() & col.notna()
    if bad.any():
        k = int(np.flatnonzero(bad.to_numpy())[0])
        more = int(bad.sum()) - 1
        warnings.warn(str(InputError(src, f"value {col.iloc[k]!r} is not a number"
                                     + (f" (and {more} more in this column)" if more else "")
                                     + "; treated as missing", line=line + k, column=name)), stacklevel=3)
    return conv


@contextmanager
def _errors_as_input_errors(src: Source, line: int) -> Iterator[None]:
    """Turn pandas', gzip's and zip's exceptions into an InputError naming the file and line."""
    try:
        yield
    except pd.errors.EmptyDataError:
        raise InputError(src, "the file is empty", line=1, expected="a header row and data rows") from None
    except (EOFError, zlib.error, gzip.BadGzipFile, zipfile.BadZipFile) as e:
        raise InputError(src, f"the compressed file is truncated or corrupt ({e}); rows before this point "
                         "were read", line=line) from None
    except pd.errors.ParserError as e:
        raise InputError(src, f"malformed table: {e}", line=line) from None
    except UnicodeDecodeError as e:
        raise InputError(src, f"not UTF-8 text ({e.reason})", line=line) from None


def _guard(make_reader, src: Source, line: int) -> Iterator[pd.DataFrame]:
    with _errors_as_input_errors(src, line):
        it = iter(make_reader())
    while True:
        with _errors_as_input_errors(src, line):
            try:
                chunk = next(it)
            except StopIteration:
                return
        line += len(chunk)
        yield chunk
