"""Pass rushers, pass blockers and the kind of play, from the tracks: on every shared real play, and against the
labels BDB 2023 (`pffScoutingData.pff_role`) and BDB 2025 (`player_play.wasInitialPassRusher`) ship, written in
their exact schemas."""

from __future__ import annotations

import collections
import importlib.util
from pathlib import Path

import numpy as np
import pytest
from conftest import shared_path

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


def _league_rushers() -> dict[int, float]:
    """Share of 2017 dropbacks (BDB 2019 plays.csv, the NFL's numberOfPassRushers) by number of rushers: the
    league's distribution the highlight plays are compared with (60% four-man rushes)."""
    import pandas as pd
    plays = pd.read_csv(shared_path("bdb2019", "plays.csv"), usecols=["PassResult", "numberOfPassRushers"])
    n = plays[plays.PassResult.isin(["C", "I", "IN", "S", "R"])].numberOfPassRushers.dropna().astype(int)
    return n.value_counts(normalize=True).to_dict()


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
    league = _league_rushers()
    for n in sorted(counts):
        print(f"  {n} rushers: {counts[n]:>3} ({counts[n] / total:.0%})   league 2017: {league.get(n, 0):.0%}")
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


def test_a_release_labelling_only_coverage_takes_its_rushers_from_the_tracks(tmp_path):
    """BDB 2026 labels coverage defenders, not rushers: the rest of the defense is judged by the tracks (the
    labels used to leave such a play with no rusher at all)."""
    fx = _fixtures()
    store = PlayStore(tmp_path / "store")
    result = import_paths([fx.write_release("bdb2026", tmp_path / "bdb2026")], store)
    assert result.imported and not result.skipped, result.skipped
    play = store.load(f"{fx.GID}:{fx.PID}")
    want = {n for n, role in fx.ROLE.items() if role == "pass_rusher"}
    assert set(play.roster.nfl_id[pass_rushers(play)].tolist()) == want
    assert set(play.roster.nfl_id[play.players_where(role="pass_rusher")].tolist()) == want


@pytest.mark.shared_data
@pytest.mark.parametrize("key, nfl_id, what", [
    ("2018102808:2525", 2532986, "an outside linebacker on the line dropping into coverage"),
    ("2018123001:3552", 2560966, "a linebacker on the line carrying a back toward the sideline"),
    ("2018111111:3656", 2560908, "a linebacker who steps over the line and turns away, unblocked"),
    ("2018102811:2486", 2552484, "a corner pressing a receiver at the line"),
])
def test_a_defender_who_leaves_the_rush_unblocked_or_presses_is_not_a_rusher(real_store, key, nfl_id, what):
    play = real_store.load(key)
    col = play.roster.index_of(nfl_id)
    assert col not in pass_rushers(play), what
    assert play.roster.role[col] == "coverage", what  # the stored role says the same


@pytest.mark.shared_data
def test_stored_roles_are_the_tracking_roles_the_index_and_training_use(real_store):
    """Import labels the roster with replay.roles (one rule): the stored pass rushers are the index's rushers."""
    from replay.index import update_index
    from replay.roles import roster_roles

    rows = {r["key"]: r for r in update_index(real_store, rebuild=True).rows}
    checked = 0
    for key in real_store.keys():
        play = real_store.load(key)
        if play_kind(play) != "dropback":
            continue
        assert list(play.roster.role) == list(roster_roles(play)), key
        assert set(play.players_where(role="pass_rusher").tolist()) == set(pass_rushers(play).tolist()), key
        assert rows[key]["rushers"] == len(play.players_where(role="pass_rusher")), key
        checked += 1
    assert checked >= 140
