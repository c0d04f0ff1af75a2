"""Importing source files into the play store: find the tables, pick the readers, stream, save, summarise."""

from __future__ import annotations

import os
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .errors import InputError, PlayError
from .play import Play
from .readers.base import Reader
from .readers.detect import classify
from .readers.tables import Tables
from .sources import ByteCounter, Source, expand
from .store import PlayStore, summary

INDEX_EVERY = 50  # plays between index updates while streaming


@dataclass
class ImportSummary:
    imported: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (what, why)
    warnings: list[str] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # files that are not tables qbvr reads
    files: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return bool(self.imported)


@dataclass
class TrackingJob:
    source: Source
    reader: Reader
    tables: Tables


def plan(paths: list[str | os.PathLike]) -> tuple[list[TrackingJob], list[tuple[str, str]]]:
    """Tracking tables to read, each with the companion tables found beside it (same folder or zip), falling
    back to companions given anywhere on the command line."""
    sources = expand(paths)
    tracking: list[tuple[Source, Reader]] = []
    companions: dict[Path, dict[str, Source]] = defaultdict(dict)
    anywhere: dict[str, Source] = {}
    ignored = []
    for src in sources:
        kind, what = classify(src)
        if isinstance(what, Reader):
            tracking.append((src, what))
        elif kind == "companion":
            companions[_home(src)][str(what)] = src
            anywhere.setdefault(str(what), src)
        else:
            ignored.append((str(src), "not a tracking or play table this qbvr knows (header: "
                            + ", ".join(list(what)[:6]) + ", ...)"))
    jobs = []
    cache: dict[Path, Tables] = {}
    for src, reader in tracking:
        home = _home(src)
        if home not in cache:
            cache[home] = Tables({**anywhere, **companions.get(home, {})})
        jobs.append(TrackingJob(src, reader, cache[home]))
    return jobs, ignored


def _home(src: Source) -> Path:
    if src.member:
        return src.path / Path(src.member).parent
    return src.path.parent


def iter_plays(paths: list[str | os.PathLike], **opts) -> Iterator[Play | PlayError]:
    """Every play the paths hold, without storing them (for tools and tests)."""
    jobs, _ = plan(paths)
    for job in jobs:
        yield from job.reader.read(job.source, job.tables, **opts)


def import_paths(paths: list[str | os.PathLike], store: PlayStore, *,
                 progress: Callable[[int, int, int], None] | None = None,
                 chunk_rows: int | None = None) -> ImportSummary:
    """Import every play the paths hold into `store`. One bad play is skipped with its reason; a bad file
    stops only that file. `progress(done_bytes, total_bytes, plays)` is called as plays arrive."""
    out = ImportSummary()
    try:
        jobs, ignored = plan(paths)
    except InputError as e:
        out.skipped.append((str(e.path), str(e)))
        return out
    out.ignored.extend(ignored)
    total = sum(j.source.stored_size for j in jobs) or 1
    done_before = 0
    pending: list[dict] = []
    seen: dict[str, str] = {}
    for job in jobs:
        out.files += 1
        counter = ByteCounter()
        opts = {"progress": counter}
        if chunk_rows:
            opts["chunk_rows"] = chunk_rows
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                for item in job.reader.read(job.source, job.tables, **opts):
                    if isinstance(item, PlayError):
                        out.skipped.append((item.key, item.problem + f" ({item.path})"))
                        continue
                    store.save(item, update_index=False)
                    pending.append(summary(item))
                    if item.key in seen:
                        out.warnings.append(f"play {item.key} is in both {seen[item.key]} and {job.source}; "
                                            "the copy from the latter is stored")
                    else:
                        out.imported.append(item.key)
                    seen[item.key] = str(job.source)
                    if len(pending) >= INDEX_EVERY:
                        store.update_index(pending)
                        pending = []
                    if progress:
                        progress(done_before + min(counter.n, job.source.stored_size), total, len(out.imported))
            except InputError as e:
                out.skipped.append((str(job.source), str(e)))
            out.warnings.extend(str(w.message) for w in caught
                                if not issubclass(w.category, (ResourceWarning, DeprecationWarning)))
        done_before += job.source.stored_size
        if progress:
            progress(done_before, total, len(out.imported))
    if pending:
        store.update_index(pending)
    return out
