"""Running chunked work as Dask tasks (`dask.distributed`): the situational index build and batch CP scoring.

By default a local cluster sized to the machine (one single-threaded worker process per core) is started and
stopped around the work; `scheduler="tcp://HOST:PORT"` uses an existing cluster instead, whose workers must see
the play store directory by the same path. Results come back as tasks finish, so a progress bar can follow.

    with dask_map(scheduler=None, workers=2) as run:
        for result in run(fn, root, chunks):
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
TASK_PLAYS = 64  # plays per task on a cluster: tens of milliseconds of work against ~1 ms of task overhead


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
    with distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster, distributed.Client(cluster) as client:
        yield client


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


@contextmanager
def dask_map(scheduler: str | None = None, workers: int | None = None) -> Iterator[Callable[..., Iterator[Any]]]:
    """`client_map` on `dask_client(scheduler, workers)`."""
    with dask_client(scheduler, workers) as client:
        yield client_map(client)


def peak_rss() -> int:
    """Peak resident memory of this process so far, in bytes (Linux reports ru_maxrss in KiB)."""
    import resource
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


def worker_peak_memory(client: Any) -> dict[str, int]:
    """Peak resident memory (bytes) of each worker process, by worker address."""
    return {k: int(v) for k, v in client.run(peak_rss).items()}


def run_over_plays(fn: Callable[[str, list[str]], list[Any]], root: str, keys: list[str], *,
                   scheduler: str | None = None, workers: int | None = None, chunk: int = TASK_PLAYS,
                   progress: Callable[[int, int], None] | None = None) -> list[Any]:
    """`fn(root, chunk_of_keys)` over every chunk of `keys` - in this process when `workers == 0` and no
    scheduler, else as Dask tasks - with `progress(done, total)` over plays; the results concatenated."""
    chunks = [keys[i:i + chunk] for i in range(0, len(keys), chunk)]
    out: list[Any] = []
    done = 0

    def take(results) -> None:
        nonlocal done
        for part, n in results:
            out.extend(part)
            done += n
            if progress is not None:
                progress(done, len(keys))

    if workers == 0 and not scheduler:
        take((fn(root, c), len(c)) for c in chunks)
        return out
    with dask_client(scheduler, workers) as client:
        distributed = _distributed()
        futures = {client.submit(fn, root, c, pure=False): len(c) for c in chunks}
        take((r, futures[f]) for f, r in distributed.as_completed(list(futures), with_results=True))
    return out
