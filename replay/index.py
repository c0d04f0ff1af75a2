"""The situational index: one row per stored play (`replay.situation.COLUMNS`) in a Parquet table beside the
play store (`situations.parquet`), what `qbvr plays` filters on.

Incremental: each row remembers the size and modification time of the play file it was computed from; an update
recomputes only plays whose file changed or is new and drops rows of plays no longer stored. Never half-written:
the table is written whole to a temporary file and renamed over the old one (`replay.atomic`).

The work is a pure function of (store directory, keys) -> rows, `index_rows`, so it runs in this process or as
tasks on a Dask cluster (`engine.cluster`) whose workers see the store directory; `update_index` takes the map.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .atomic import write_atomic
from .errors import QbvrError, StoreError
from .situation import COLUMNS, situation
from .store import SUFFIX, PlayStore, play_from_bytes

INDEX_FILE = "situations.parquet"
INDEX_VERSION = 2  # 2: rushers who leave the rush unblocked are not counted (replay.roles)
FILE_COLUMNS = {"file_size": "int64", "file_mtime_ns": "int64"}
ARROW_TYPES = {"bool": "bool_"}
CHUNK = 8  # plays per task: enough to hide the per-task overhead on a cluster, small enough to balance

Chunk = list[str]
ChunkResult = list[dict[str, Any] | str]  # a row, or the reason a play file could not be indexed
MapFn = Callable[[Callable[[str, Chunk], ChunkResult], str, list[Chunk]], Iterable[ChunkResult]]
Progress = Callable[[int, int], None]


def _arrow():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - a dependency, but say what to do rather than trace back
        raise QbvrError("the situational index needs pyarrow: pip install pyarrow") from None
    return pa, pq


def index_path(store: PlayStore) -> Path:
    return store.root / INDEX_FILE


def file_signature(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def index_rows(root: str, keys: Chunk) -> ChunkResult:
    """Index rows of `keys` in the store at `root`; a play file that cannot be read gives its reason instead.
    Runs anywhere the directory is visible (a Dask worker too)."""
    store = PlayStore(root)
    out: ChunkResult = []
    for key in keys:
        path = store.path_for(key)
        try:
            size, mtime = file_signature(path)
            play = play_from_bytes(path.read_bytes(), str(path))
            row = situation(play)
        except (OSError, StoreError) as e:
            out.append(f"{key}: {e}")
            continue
        row.update(file_size=size, file_mtime_ns=mtime)
        out.append(row)
    return out


def local_map(fn: Callable[[str, Chunk], ChunkResult], root: str, chunks: list[Chunk]) -> Iterator[ChunkResult]:
    """The map of this process: one chunk after another."""
    for c in chunks:
        yield fn(root, c)


def read_index(store: PlayStore) -> list[dict[str, Any]]:
    """The index rows as stored (empty when there is no index yet); a damaged table is an error naming it."""
    path = index_path(store)
    if not path.exists():
        return []
    pa, pq = _arrow()
    try:
        table = pq.ParquetFile(path).read()  # read_table would load pyarrow.dataset, and with it pandas (~0.25 s)
    except (OSError, pa.ArrowInvalid) as e:
        raise QbvrError(f"{path}: the situational index is unreadable ({e}); "
                        "rebuild it with `qbvr index --rebuild`") from None
    meta = table.schema.metadata or {}
    if meta.get(b"qbvr_index_version") != str(INDEX_VERSION).encode() or set(COLUMNS) - set(table.column_names):
        return []  # an older layout: rebuilt in full by the next update
    return table.to_pylist()


def write_index(store: PlayStore, rows: list[dict[str, Any]]) -> Path:
    """Write the whole table atomically, rows sorted by play."""
    pa, pq = _arrow()
    cols = {**COLUMNS, **FILE_COLUMNS}
    schema = pa.schema([pa.field(k, getattr(pa, ARROW_TYPES.get(t, t))()) for k, t in cols.items()],
                       metadata={"qbvr_index_version": str(INDEX_VERSION)})
    rows = sorted(rows, key=lambda r: (r["game_id"], r["play_id"]))
    table = pa.Table.from_pylist([{k: r.get(k) for k in cols} for r in rows], schema=schema)
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    write_atomic(index_path(store), buf.getvalue())
    return index_path(store)


@dataclass
class IndexUpdate:
    """What an update did: every current row, and how many were computed, kept and dropped."""

    rows: list[dict[str, Any]]
    computed: int = 0
    kept: int = 0
    dropped: int = 0
    problems: list[str] = field(default_factory=list)
    path: Path | None = None


def stale_keys(store: PlayStore, rows: list[dict[str, Any]]) -> tuple[list[str], dict[str, dict[str, Any]], int]:
    """(keys to compute, rows to keep, rows dropped): new or changed play files, against the stored rows."""
    on_disk: dict[str, Path] = {}
    if store.root.exists():
        for p in store.root.glob(f"*{SUFFIX}"):
            on_disk[p.stem.replace("_", ":", 1)] = p
    by_key = {r["key"]: r for r in rows}
    keep, todo = {}, []
    for key, p in on_disk.items():
        old = by_key.get(key)
        try:
            sig = file_signature(p)
        except OSError:
            continue  # removed while we looked
        if old is not None and (old.get("file_size"), old.get("file_mtime_ns")) == sig:
            keep[key] = old
        else:
            todo.append(key)
    dropped = sum(1 for k in by_key if k not in on_disk)
    return sorted(todo), keep, dropped


def update_index(store: PlayStore, *, rebuild: bool = False, map_fn: MapFn | None = None,
                 progress: Progress | None = None, chunk: int | Callable[[int], int] = CHUNK) -> IndexUpdate:
    """Bring the index up to date with the store: compute rows of new or changed plays (all with `rebuild`),
    keep the rest, drop rows of removed plays, write atomically.
    `map_fn(fn, root, chunks)` runs the chunks (default: in this process) and yields their results in any
    order, `chunk` plays per call (or `chunk(number of plays to compute)`); `progress(done, total)` hears plays
    done."""
    old = [] if rebuild else read_index(store)
    todo, keep, dropped = stale_keys(store, old)
    if callable(chunk):
        chunk = max(1, int(chunk(len(todo))))
    chunks = [todo[i:i + chunk] for i in range(0, len(todo), chunk)]
    result = IndexUpdate(rows=[], kept=len(keep), dropped=dropped)
    done = 0
    for part in (map_fn or local_map)(index_rows, str(store.root), chunks):
        for r in part:
            if isinstance(r, str):
                result.problems.append(r)
            else:
                keep[r["key"]] = r
                result.computed += 1
        done += len(part)
        if progress is not None:
            progress(done, len(todo))
    result.rows = sorted(keep.values(), key=lambda r: (r["game_id"], r["play_id"]))
    if todo or dropped or not index_path(store).exists() or rebuild:
        if store.root.exists():
            result.path = write_index(store, result.rows)
    else:
        result.path = index_path(store)
    return result


def current_rows(store: PlayStore, **kw) -> IndexUpdate:
    """The index, brought up to date first (in this process unless a `map_fn` is given)."""
    if not store.root.exists() or not any(os.scandir(store.root)):
        return IndexUpdate(rows=[])
    return update_index(store, **kw)
