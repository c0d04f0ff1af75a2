"""Errors for bad input: each names the file, the row or field, and what was expected."""

from __future__ import annotations


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
