"""File names made from data (rep numbers, play keys, drill and session names) are ours: one safe component, and
never a path that leads outside the folder it is meant for."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import InputError

MAX_NAME = 120  # characters of a name made from data; well under every file system's 255-byte limit
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: object, *, max_len: int = MAX_NAME, fallback: str = "unnamed") -> str:
    """`text` as one file-name component: runs of anything but ASCII letters, digits, `.`, `_` and `-` (path
    separators, NUL, `..` traversal, spaces, non-ASCII) become `-`, leading dots and dashes are dropped (no hidden
    files, no option-like names), and the result is cut to `max_len`. Empty -> `fallback`."""
    name = _UNSAFE.sub("-", str(text)).lstrip(".-").replace("..", "-")
    if len(name) > max_len:  # cut the stem, keep a short extension so `x.png` stays a PNG
        stem, dot, ext = name.rpartition(".")
        name = (stem[: max_len - len(ext) - 1] + dot + ext) if dot and 0 < len(ext) <= 8 else name[:max_len]
    return name.rstrip(".-") or fallback


def child(directory: str | os.PathLike, name: object) -> Path:
    """`directory / safe_name(name)`, checked to lie directly in `directory` (an InputError otherwise)."""
    directory = Path(directory)
    path = directory / safe_name(name)
    if path.resolve().parent != directory.resolve():
        raise InputError(directory, f"refusing to write {path}: it is not inside the folder")
    return path
