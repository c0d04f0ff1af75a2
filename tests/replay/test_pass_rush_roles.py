"""Pass rushers, pass blockers and the kind of play, from the tracks: on every shared real play, and against the
labels BDB 2023 (`pffScoutingData.pff_role`) and BDB 2025 (`player_play.wasInitialPassRusher`) ship, written in
their exact schemas."""

from __future__ import annotations

import collections
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from replay.importer import import_paths
from replay.roles import (
    ALIGN_DEPTH_YD,
    PLAY_KINDS,
    pass_blockers,
    pass_rushers,
    play_kind,
    track_pass_rushers,
)
from replay.store import PlayStore


def _fixtures():
    """The exact-schema release writers of the reader tests (one module, not a copy)."""
    path = Path(__file__).parent / "readers" / "test_bdb.py"
    spec = importlib.util.spec_from_file_location("bdb_release_fixtures", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _defense_near_line(play) -> int:
    los = play.meta.los_x
    snap = play.event_frame("ball_snap")
    d = play.players_where(side="def")
    return int(np.sum(play.x[snap, d] - los <= ALIGN_DEPTH_YD))


@pytest.mark.shared_data
def test_every_dropback_shows_three_to_eight_rushers_and_no_special_teams_play_is_a_dropback(real_store):
    counts: collections.Counter = collections.Counter()
    kinds: collections.Counter = collections.Counter()
    bad = []
    for key in real_store.keys():
        play = real_store.load(key)
        kind = play_kind(play)
        assert kind in PLAY_KINDS
        kinds[(play.meta.play_type, kind)] += 1
        if play.meta.play_type in ("kickoff", "punt", "field_goal", "extra_point"):
            assert kind == "special_teams", key
        if kind != "dropback":
            continue
        n = len(pass_rushers(play))
        counts[n] += 1
        # a prevent defense with fewer than three men near the line cannot rush three (2018122200:3718, :06 left)
        if not 3 <= n <= 8 and _defense_near_line(play) >= 3:
            bad.append((key, n, play.meta.description[:60]))
        blockers = pass_blockers(play)
        assert 4 <= len(blockers) <= 9, (key, len(blockers))
        assert not set(blockers.tolist()) & set(play.players_where(side="def").tolist())
    assert not bad, bad
    fake_punt = real_store.load("2018091607:329")  # (Punt formation) K.Byard pass ... TOUCHDOWN
    assert play_kind(fake_punt) == "special_teams"
    total = sum(counts.values())
    print("\nplay kinds:", dict(kinds))
    print(f"rushers over {total} dropbacks:")
    for n in sorted(counts):
        print(f"  {n} rushers: {counts[n]:>3} ({counts[n] / total:.0%})")
    assert total >= 140
    assert 0.4 <= counts[4] / total <= 0.8  # four-man rushes are the most common by far
    assert counts[4] == max(counts.values())


def _import_release(tmp_path: Path, name: str, files: dict) -> PlayStore:
    fx = _fixtures()
    folder = tmp_path / name
    folder.mkdir()
    for fname, df in files.items():
        fx.write_csv(df, folder / fname)
    store = PlayStore(tmp_path / f"store_{name}")
    result = import_paths([folder], store)
    assert result.imported and not result.skipped, result.skipped
    return store


def _agreement(play) -> tuple[float, set[int], set[int]]:
    """Share of defenders the tracks and the labels agree on, and the rushers each names (nflIds)."""
    r = play.roster
    d = play.players_where(side="def")
    labelled = set(r.nfl_id[pass_rushers(play)].tolist())
    tracked = set(r.nfl_id[track_pass_rushers(play)].tolist())
    agree = sum((n in labelled) == (n in tracked) for n in r.nfl_id[d].tolist())
    return agree / len(d), labelled, tracked


@pytest.mark.parametrize("name", ["bdb2023", "bdb2025"])
def test_tracking_rushers_agree_with_the_release_labels(tmp_path, name):
    fx = _fixtures()
    rows, info = fx.base()
    store = _import_release(tmp_path, name, fx.WRITERS[name](rows, info))
    play = store.load(f"{fx.GID}:{fx.PID}")
    share, labelled, tracked = _agreement(play)
    print(f"\n{name}: tracking-based rushers agree with the labels on {share:.0%} of defenders")
    assert labelled == {n for n, role in fx.ROLE.items() if role == "pass_rusher"}
    assert share == 1.0 and tracked == labelled


def test_a_mislabelled_rusher_is_the_one_disagreement(tmp_path):
    """The label says a linebacker who dropped into coverage rushed: the labels win for pass_rushers, the tracks
    say otherwise, and the agreement drops to 10 of 11."""
    fx = _fixtures()
    rows, info = fx.base()
    files = fx.bdb2023_files(rows, info)
    pff = files["pffScoutingData.csv"]
    pff.loc[pff.nflId == 2005, "pff_role"] = "Pass Rush"  # ILB 2005 drops 2 yd/s away from the line
    store = _import_release(tmp_path, "bdb2023", files)
    share, labelled, tracked = _agreement(store.load(f"{fx.GID}:{fx.PID}"))
    print(f"\nmislabelled: agreement {share:.0%}")
    assert share == pytest.approx(10 / 11)
    assert labelled - tracked == {2005} and not tracked - labelled


def test_blockers_are_the_linemen_who_hold_the_line(tiny_play):
    r = tiny_play.roster
    blockers = set(r.position[pass_blockers(tiny_play)].tolist())
    assert blockers == {"C", "G", "T"}
    assert len(pass_blockers(tiny_play)) == 5
    assert set(r.position[track_pass_rushers(tiny_play)].tolist()) == {"DE", "DT"}
