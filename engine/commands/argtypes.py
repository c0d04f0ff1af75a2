"""argparse types that refuse odd values at the command line (`nan`, `0` frames per second, a directory where a
file is written), so a bad option is one usage error instead of a traceback deep in a command."""

from __future__ import annotations

import argparse
import math
from pathlib import Path


def positive_float(text: str) -> float:
    """A finite number > 0 (frame rates, steps, durations)."""
    v = _float(text)
    if not v > 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number")
    return v


def non_negative_float(text: str) -> float:
    """A finite number >= 0 (lead times)."""
    v = _float(text)
    if v < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative, expected seconds >= 0")
    return v


def _float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(v):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return v


def out_file(text: str) -> Path:
    """A file to write: not an existing directory, and its folder (when it exists) a directory."""
    p = Path(text)
    if p.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a directory, expected a file name")
    parent = next((q for q in p.absolute().parents if q.exists()), None)
    if parent is not None and not parent.is_dir():
        raise argparse.ArgumentTypeError(f"{parent} is a file, so {text} cannot be written")
    return p


def out_dir(text: str) -> Path:
    """A folder to write into: not an existing file (or anything else that is not a directory)."""
    p = Path(text)
    if p.exists() and not p.is_dir():
        raise argparse.ArgumentTypeError(f"{text} exists and is not a directory")
    parent = next((q for q in p.absolute().parents if q.exists()), None)
    if parent is not None and not parent.is_dir():
        raise argparse.ArgumentTypeError(f"{parent} is a file, so {text} cannot be made")
    return p


def add_cluster_args(p: argparse.ArgumentParser) -> None:
    """--scheduler, --workers and --quiet of the commands that run their work as Dask tasks."""
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="an existing Dask scheduler")
    p.add_argument("--workers", type=int, metavar="N", help="local cluster workers (default: one per core; 0: no "
                   "cluster, this process)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
