"""The situational index and batch CP scoring as Dask tasks on a real 2-worker LocalCluster give exactly what
one process gives; a scheduler that does not answer is a one-line error."""

from __future__ import annotations

import os

import pytest

from engine.cli import main
from engine.cluster import (
    TASK_PLAYS,
    client_map,
    dask_client,
    run_over_plays,
    task_chunk,
    worker_peak_memory,
    worker_threads,
)
from engine.cp.batch import score_throws
from replay.index import read_index, update_index

pytest.importorskip("distributed", reason="the cluster extra (dask[distributed]) is not installed")


def _without_file_columns(rows):
    return [{k: v for k, v in r.items() if not k.startswith("file_")} for r in rows]


@pytest.mark.shared_data
@pytest.mark.slow
def test_index_and_cp_scoring_on_a_two_worker_local_cluster_match_one_process(real_store, tmp_path):
    keys = real_store.keys()
    local = update_index(real_store, rebuild=True).rows
    local_cp = run_over_plays(score_throws, str(real_store.root), keys, workers=0)
    seen = []
    with dask_client(workers=2) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        res = update_index(real_store, rebuild=True, map_fn=client_map(client),
                           progress=lambda d, n: seen.append((d, n)))
        chunks = [keys[i:i + 8] for i in range(0, len(keys), 8)]
        cluster_cp = [r for part in client_map(client)(score_throws, str(real_store.root), chunks) for r in part]
        mem = worker_peak_memory(client)
        env = client.run(os.environ.get, "MALLOC_TRIM_THRESHOLD_")
        slots = worker_threads(client)
    assert res.computed == len(keys) and not res.problems
    assert _without_file_columns(res.rows) == _without_file_columns(local)
    assert _without_file_columns(read_index(real_store)) == _without_file_columns(local)
    assert seen[-1] == (len(keys), len(keys)) and len(seen) > 10  # progress over plays as tasks finish
    assert len(mem) == 2 and all(m > 50e6 for m in mem.values())
    assert slots == 2 and set(env.values()) == {None}  # glibc's own malloc tuning, as in one process
    assert len(local_cp) >= 140
    assert sorted(cluster_cp, key=lambda r: r["key"]) == sorted(local_cp, key=lambda r: r["key"])


def test_unreachable_scheduler_is_a_one_line_error(capsys, tmp_path):
    (tmp_path / "x.qbplay").write_bytes(b"")
    for argv in (["index", "--store", str(tmp_path), "--scheduler", "tcp://127.0.0.1:9", "--quiet"],
                 ["index", "--store", str(tmp_path), "--scheduler", "localhost:8786", "--quiet"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("qbvr: error: ") and len(err.strip().splitlines()) == 1 and "scheduler" in err


def test_tasks_are_a_few_per_worker_and_never_longer_than_task_plays():
    assert task_chunk(197, 2) == 25  # 8 tasks: four per worker
    assert task_chunk(1576, 2) == TASK_PLAYS
    assert task_chunk(50_000, 64) == TASK_PLAYS
    assert task_chunk(3, 8) == 1 and task_chunk(0, 2) == 1
