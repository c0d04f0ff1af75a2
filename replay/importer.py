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
from .quality import drop_absurd, refusal, usable_share
from .readers.base import Reader
from .readers.detect import classify
from .readers.tables import Tables
from .sources import ByteCounter, Source, expand
from .store import PlayStore, StoreWriteError, summary

INDEX_EVERY = 50  # plays between index updates while streaming


@dataclass
class ImportSummary:
    imported: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (what, why)
    warnings: list[str] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # files that are not tables qbvr reads
    files: int = 0
    rows: int = 0
    stopped: str | None = None  # why the import stopped early (full disk, read-only store)

    @property
    def ok(self) -> bool:
        return bool(self.imported)


@dataclass
class TrackingJob:
    source: Source
    reader: Reader
    tables: Tables


def plan(paths: list[str | os.PathLike]) -> tuple[list[TrackingJob], list[tuple[str, str | InputError]]]:
    """Tracking tables to read, each with the companion tables found beside it (same folder or zip), falling
    back to companions given anywhere on the command line."""
    sources = expand(paths)
    tracking: list[tuple[Source, Reader]] = []
    companions: dict[Path, dict[str, Source]] = defaultdict(dict)
    anywhere: dict[str, Source] = {}
    ignored = []
    for src in sources:
        try:
            kind, what = classify(src)
        except InputError as e:  # one unreadable file never stops the folder; import_paths reports it as skipped
            ignored.append((str(src), e))
            continue
        except Exception as e:  # noqa: BLE001 - e.g. a header field over the csv module's limit: not our table
            ignored.append((str(src), f"not a table qbvr can read ({type(e).__name__}: {str(e)[:120]})"))
            continue
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
                 chunk_rows: int | None = None, force: bool = False) -> ImportSummary:
    """Import every play the paths hold into `store`. One bad play is skipped with its reason; a bad file
    stops only that file; a play that would replace a better stored copy is refused (`replay.quality`) unless
    `force`; a store that cannot be written stops the import (`stopped`). `progress(done_bytes, total_bytes,
    plays)` is called as plays arrive."""
    out = ImportSummary()
    try:
        jobs, ignored = plan(paths)
    except InputError as e:
        out.skipped.append((str(e.path), str(e)))
        return out
    for what, why in ignored:
        (out.skipped if isinstance(why, InputError) else out.ignored).append((what, str(why)))
    run = _Run(store, out, force, progress, sum(j.source.stored_size for j in jobs) or 1)
    try:
        for job in jobs:
            run.job(job, chunk_rows)
    except StoreWriteError as e:
        out.stopped = f"{e}; import stopped, the plays stored before are kept"
    try:
        run.flush()
    except StoreWriteError:
        pass  # the index is a cache: the next listing rebuilds what is missing
    return out


class _Run:
    """The state of one import: the store's index (for the replace rule), pending index entries, progress."""

    def __init__(self, store: PlayStore, out: ImportSummary, force: bool,
                 progress: Callable[[int, int, int], None] | None, total: int):
        self.store, self.out, self.force, self.progress, self.total = store, out, force, progress, total
        self.known = store.index()
        self.pending: list[dict] = []
        self.seen: dict[str, str] = {}
        self.done_before = 0

    def job(self, job: TrackingJob, chunk_rows: int | None) -> None:
        out = self.out
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
                    else:
                        self.take(item, str(job.source))
                    if self.progress:
                        self.progress(self.done_before + min(counter.n, job.source.stored_size), self.total,
                                      len(out.imported))
            except InputError as e:
                out.skipped.append((str(job.source), str(e)))
            except StoreWriteError:
                raise
            except Exception as e:  # noqa: BLE001 - a reader tripped on content it did not expect: that file only
                out.skipped.append((str(job.source), f"content this reader did not expect ({type(e).__name__}: "
                                    f"{str(e)[:200]}); the file's remaining plays were not read"))
            out.warnings.extend(str(w.message) for w in caught
                                if not issubclass(w.category, (ResourceWarning, DeprecationWarning, RuntimeWarning)))
        self.done_before += job.source.stored_size
        if self.progress:
            self.progress(self.done_before, self.total, len(out.imported))

    def take(self, play: Play, source: str) -> None:
        """Store one play unless the replace rule refuses it; a fatal write error propagates."""
        drop_absurd(play)
        share = usable_share(play)
        why = refusal(share, self.store.usable_share(play.key, self.known), force=self.force)
        if why:
            self.out.skipped.append((play.key, f"{why} ({source})"))
            return
        try:
            self.store.save(play, update_index=False)
        except StoreWriteError as e:
            if e.fatal:
                raise
            self.out.skipped.append((play.key, str(e)))
            return
        s = summary(play)
        self.known[play.key] = s
        self.pending.append(s)
        if play.key in self.seen:
            self.out.warnings.append(f"play {play.key} is in both {self.seen[play.key]} and {source}; "
                                     "the copy from the latter is stored")
        else:
            self.out.imported.append(play.key)
        self.seen[play.key] = source
        if len(self.pending) >= INDEX_EVERY:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            pending, self.pending = self.pending, []
            self.store.update_index(pending)
