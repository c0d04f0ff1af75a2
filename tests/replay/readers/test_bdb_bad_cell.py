"""One bad cell in one play of a BDB week costs at most that cell (or that row), never the other plays."""

from __future__ import annotations

import pandas as pd
import pytest
from test_bdb import GID, PID, base, bdb2021_files, write_csv

from replay.importer import import_paths
from replay.store import PlayStore


def _week_of_four(folder, col: str, value: str):
    rows, info = base()
    files = bdb2021_files(rows, info)
    track = pd.concat([files["week1.csv"].assign(playId=PID + k) for k in range(4)], ignore_index=True)
    files["plays.csv"] = pd.concat([files["plays.csv"].assign(playId=PID + k) for k in range(4)])
    files["targetedReceiver.csv"] = pd.concat([files["targetedReceiver.csv"].assign(playId=PID + k)
                                               for k in range(4)])
    track = track.astype({col: object})
    i = track.index[track.playId == PID + 2][30]
    track.loc[i, col] = value
    folder.mkdir()
    for name, df in files.items():
        write_csv(df, folder / name)
    write_csv(track, folder / "week1.csv")
    return i + 2  # the file line of the bad cell


@pytest.mark.parametrize("col, value", [("x", "abc"), ("s", "fast"), ("gameId", "g?"), ("playId", "")])
def test_bdb2021_week_with_one_bad_cell_imports_every_play(tmp_path, col, value):
    line = _week_of_four(tmp_path / "week", col, value)
    result = import_paths([tmp_path / "week"], PlayStore(tmp_path / "store"))
    assert sorted(result.imported) == [f"{GID}:{PID + k}" for k in range(4)], result.skipped
    if value:
        assert any(f"line {line}, column '{col}'" in w and repr(value) in w for w in result.warnings), result.warnings
    else:
        assert any(f"column '{col}'" in w for w in result.warnings), result.warnings
