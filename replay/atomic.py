"""Safe file I/O: atomic writes (a reader sees the old file or the new one, never half of one) and reads that
refuse FIFOs, devices, directories and oversized files instead of blocking or filling memory."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from .errors import InputError

MAX_READ_BYTES = 1 << 30  # no file qbvr writes and reads back (play, index, summary) comes near 1 GiB


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write `data` to a temp file beside `path`, fsync it, rename it over `path`, fsync the directory.
    The file gets the usual mode (0666 less the umask), like any file the user's programs create."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; a saved file gets the mode open() would give it
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def read_regular(path: str | os.PathLike, limit: int = MAX_READ_BYTES) -> bytes:
    """The bytes of a regular file. A FIFO, device or directory of that name is refused without blocking (a FIFO
    would hang a plain read), and so is a file over `limit` bytes. Raises InputError naming the path
    (FileNotFoundError when there is no file at all)."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise
    except OSError as e:
        raise InputError(path, f"cannot be read ({e.strerror})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(path, f"is {file_kind(st.st_mode)}, not a regular file; skipped")
        if st.st_size > limit:
            raise InputError(path, f"{st.st_size} bytes, more than the {limit} this file may have; skipped")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(limit + 1)
    except OSError as e:
        raise InputError(path, f"cannot be read ({e.strerror})") from None
    finally:
        os.close(fd)


def file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "a special file"
