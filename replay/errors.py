"""Errors for bad input: each names the file, the row or field, and what was expected."""

from __future__ import annotations

from pathlib import Path
from typing import Any


class QbvrError(Exception):
    """Base of every error qbvr reports to a user as a message rather than a traceback."""


class InputError(QbvrError):
    """Bad input data: names the file, the line (1-based, header = line 1) and column when known."""

    def __init__(self, path: object, problem: str, *, line: int | None = None, column: str | None = None,
                 expected: str | None = None):
        self.path = str(path)
        self.problem = problem
        self.line = line
        self.column = column
        self.expected = expected
        super().__init__(self._message())

    def _message(self) -> str:
        where = self.path
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column {self.column!r}"
        msg = f"{where}: {self.problem}"
        if self.expected:
            msg += f" (expected {self.expected})"
        return msg


class PlayError(QbvrError):
    """One play cannot be built; the rest of its file can still import."""

    def __init__(self, key: str, path: object, problem: str):
        self.key = key
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{path}: play {key}: {problem}")


class StoreError(QbvrError):
    """A play file in the store is missing, truncated or corrupt."""


def undecodable_line(path: object, encoding: str = "utf-8") -> tuple[int, int] | None:
    """(1-based line, byte value) of the first line of a text file (gzip when named .gz) that is not valid
    `encoding`, None when every line decodes: what a decode error needs to name the right line."""
    import gzip
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as fh:
        for n, raw in enumerate(fh, 1):
            try:
                raw.decode(encoding)
            except UnicodeDecodeError as e:
                return n, raw[e.start]
    return None


def read_json_file(path: Path | str, expected: str) -> Any:
    """The JSON document in `path`; a missing file or bad JSON is an InputError naming it and `expected`."""
    import json

    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise InputError(path, "file not found", expected=expected) from None
    except json.JSONDecodeError as e:
        raise InputError(path, f"not valid JSON: {e.msg} at line {e.lineno}") from None
