"""Running chunked work as Dask tasks (`dask.distributed`): the situational index build and batch CP scoring.

By default a local cluster sized to the machine (one single-threaded worker process per core) is started and
stopped around the work; `scheduler="tcp://HOST:PORT"` uses an existing cluster instead, whose workers must see
the play store directory by the same path. Results come back as tasks finish, so a progress bar can follow.

    with dask_client(scheduler=None, workers=2) as client:
        for result in client_map(client)(fn, root, chunks):
            ...
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from replay.errors import QbvrError

INSTALL_HINT = "the Dask cluster needs the cluster extra: pip install 'qbvr[cluster]' (dask[distributed])"
CONNECT_TIMEOUT_S = 10
TASK_PLAYS = 64  # plays per task at most: ~0.1 s of work against ~1 ms of task overhead, a short tail at the end
TASKS_PER_WORKER = 4  # at least this many tasks per worker thread when there are few plays: they balance
# Our local cluster's workers run like the one process does (a remote cluster keeps its own settings):
# - Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which also switches off glibc's adaptive mmap
#   threshold: every numpy array over 128 KiB is then mapped and unmapped afresh, and building the index took
#   ~20% more CPU per play on a worker than in one process. None leaves the variable unset (glibc's default).
# - an idle worker sampling its own stack every 10 ms (Dask's profiler) and waking 50 times a second used 5-10%
#   of a core; on 2 cores that is taken from the work. Profiler off and slower polling: under 1%.
LOCAL_WORKER_CONFIG = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "500ms",
}


def _distributed():
    try:
        import distributed
    except ImportError:
        raise QbvrError(INSTALL_HINT) from None
    return distributed


def default_workers() -> int:
    """Worker processes of the default local cluster: one per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A `distributed.Client`: on `scheduler` when given, else on a new LocalCluster of `workers` single-threaded
    processes (default: one per core), closed (and the cluster stopped) on exit."""
    distributed = _distributed()
    if scheduler:
        if not scheduler.startswith(("tcp://", "tls://", "inproc://", "ucx://")):
            raise QbvrError(f"--scheduler {scheduler!r}: expected an address such as tcp://HOST:8786")
        try:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError) as e:
            raise QbvrError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from None
        try:
            yield client
        finally:
            client.close()
        return
    n = workers or default_workers()
    if n < 1:
        raise QbvrError(f"--workers {n}: expected at least 1")
    import dask  # after distributed: its defaults are in dask.config before we override some of them
    with dask.config.set(LOCAL_WORKER_CONFIG), \
            distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                                     silence_logs=40) as cluster, distributed.Client(cluster) as client:
        yield client


def worker_threads(client: Any) -> int:
    """Task slots of the cluster behind `client`: the worker threads of every worker."""
    return max(1, sum(int(w.get("nthreads", 1)) for w in client.scheduler_info()["workers"].values()))


def task_chunk(n_items: int, slots: int) -> int:
    """Plays per task for `n_items` plays on `slots` worker threads: TASKS_PER_WORKER tasks per slot (so the
    workers finish together), at most TASK_PLAYS plays (a long task would leave a worker idle at the end)."""
    return max(1, min(TASK_PLAYS, -(-n_items // (max(1, slots) * TASKS_PER_WORKER))))


def client_map(client: Any) -> Callable[..., Iterator[Any]]:
    """A map over `client`: `run(fn, root, chunks)` submits one task per chunk and yields results as they finish."""
    distributed = _distributed()

    def run(fn: Callable[[str, Any], Any], root: str, chunks: list[Any]) -> Iterator[Any]:
        if not chunks:
            return
        futures = client.map(fn, [root] * len(chunks), chunks, pure=False)
        for _, result in distributed.as_completed(futures, with_results=True):  # gathered in the background
            yield result

    return run


def peak_rss() -> int:
    """Peak resident memory of this process so far, in bytes (Linux reports ru_maxrss in KiB)."""
    import resource
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


def worker_peak_memory(client: Any) -> dict[str, int]:
    """Peak resident memory (bytes) of each worker process, by worker address."""
    return {k: int(v) for k, v in client.run(peak_rss).items()}


def run_over_plays(fn: Callable[[str, list[str]], list[Any]], root: str, keys: list[str], *,
                   scheduler: str | None = None, workers: int | None = None, chunk: int | None = None,
                   progress: Callable[[int, int], None] | None = None) -> list[Any]:
    """`fn(root, chunk_of_keys)` over every chunk of `keys` - in this process when `workers == 0` and no
    scheduler, else as Dask tasks - with `progress(done, total)` over plays; the results concatenated.
    `chunk` plays per call (default: `task_chunk` for the cluster's worker threads)."""
    out: list[Any] = []
    done = 0

    def take(results) -> None:
        nonlocal done
        for part, n in results:
            out.extend(part)
            done += n
            if progress is not None:
                progress(done, len(keys))

    def split(size: int) -> list[list[str]]:
        return [keys[i:i + size] for i in range(0, len(keys), size)]

    if workers == 0 and not scheduler:
        take((fn(root, c), len(c)) for c in split(chunk or TASK_PLAYS))
        return out
    with dask_client(scheduler, workers) as client:
        distributed = _distributed()
        chunks = split(chunk or task_chunk(len(keys), worker_threads(client)))
        futures = {client.submit(fn, root, c, pure=False): len(c) for c in chunks}
        take((r, futures[f]) for f, r in distributed.as_completed(list(futures), with_results=True))
    return out
