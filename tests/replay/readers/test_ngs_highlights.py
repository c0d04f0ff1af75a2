"""On the real NGS highlight plays: every file imports, normalisation and time are right."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from replay.events import NO_EVENT
from replay.field_frame import FIELD
from replay.roles import passer

pytestmark = pytest.mark.shared_data


def test_all_highlight_files_import(real_store, highlights_dir):
    files = sorted(highlights_dir.glob("*.tsv.gz"))
    assert len(files) == 199
    keys = set()
    for f in files:
        head = pd.read_csv(f, sep="\t", nrows=1)
        keys.add(f"{int(head.gameId[0])}:{int(head.playId[0])}")
    # two plays are highlighted for both teams: 199 files, 197 distinct plays, all stored
    assert keys == set(real_store.keys())


def test_pass_plays_normalised(real_store):
    n = 0
    for key, s in real_store.index().items():
        if s["play_type"] != "pass":
            continue
        play = real_store.load(key)
        snap = play.event_frame("ball_snap")
        assert snap is not None and play.t[snap] == 0.0, key
        qb = passer(play)
        assert qb is not None, key
        los = play.meta.los_x
        assert play.x[snap, qb] < los, f"{key}: passer not behind the line at the snap"
        defense = play.roster.side == "def"
        assert np.nanmean(play.x[snap, defense]) > los, f"{key}: defense not beyond the line"
        n += 1
    assert n >= 140


def test_event_times_match_files(real_store, highlights_dir):
    for f in sorted(highlights_dir.glob("*.tsv.gz"))[::7]:
        raw = pd.read_csv(f, sep="\t", usecols=["gameId", "playId", "frame", "event"], keep_default_na=False)
        key = f"{int(raw.gameId[0])}:{int(raw.playId[0])}"
        play = real_store.load(key)
        if "ball_snap" not in set(raw.event):
            continue
        snap_frame = raw.frame[raw.event == "ball_snap"].min()
        for ev, grp in raw[~raw.event.str.lower().isin(NO_EVENT)].groupby("event"):
            want = sorted((set(grp.frame) - set()))[0]
            got = play.event_time(ev)
            assert got == pytest.approx((want - snap_frame) / 10.0), f"{key} {ev}"


def test_left_plays_are_flipped(real_store, highlights_dir):
    """A play moving left in the file moves toward +x after import (the QB drops back toward smaller x)."""
    play = real_store.load("2018092311:141")  # ARI moving left in the file
    assert play.meta.play_direction == "left"
    raw = pd.read_csv(highlights_dir / "2018_ARI_2018092311_141.tsv.gz", sep="\t")
    qb = raw[(raw.position == "QB") & (raw.frame == 0)].iloc[0]
    col = play.roster.index_of(int(qb.nflId))
    assert play.x[0, col] == pytest.approx(120 - qb.x, abs=1e-4)
    assert play.y[0, col] == pytest.approx(FIELD.width - qb.y, abs=1e-4)
    assert play.o[0, col] == pytest.approx((qb.o + 180) % 360, abs=1e-3)
    # after the snap the ball carrier moves downfield (+x): the receiver catches beyond the line
    tgt = play.roster.index_of(play.meta.target_nfl_id)
    arrived = play.event_frame("pass_arrived")
    assert play.x[arrived, tgt] > play.meta.los_x + 10


def test_2017_orientation_corrected(real_store):
    play = real_store.load("2018011401:4497")  # the one 2017-season play
    assert "orientation_2017_corrected" in play.flags
    assert "orientation_suspect" not in play.flags


def test_score_before_the_snap_comes_from_the_files(real_store):
    """preSnapHomeScore/preSnapVisitorScore with homeTeamFlag: every highlight play knows the score."""
    metas = [real_store.load(k).meta for k in real_store.keys()]
    assert all(m.score_diff is not None for m in metas)
    m = real_store.load("2018092400:3834").meta  # PIT at TB, 5:49 in the 4th: TB has the ball, 20-30 down
    assert (m.home_team, m.offense_team, m.home_score, m.away_score, m.score_diff) == ("TB", "TB", 20, 30, -10)
