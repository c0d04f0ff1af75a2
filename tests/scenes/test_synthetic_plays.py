"""The built-in drill's synthetic plays and the drill file format."""

from __future__ import annotations

import json

import numpy as np
import pytest

from replay.errors import InputError
from replay.roles import passer
from scenes.drills import load_drill, load_play_ref, parse_drill
from scenes.synthetic_plays import SYNTHETIC_PLAYS, synthetic_play


@pytest.fixture(scope="module")
def plays():
    return {name: synthetic_play(name) for name in SYNTHETIC_PLAYS}


def test_synthetic_plays_are_full_pass_plays(plays):
    assert len(plays) >= 3
    for name, p in plays.items():
        p.validate()
        assert p.n_players == 22
        assert (p.roster.side == "off").sum() == 11 and (p.roster.side == "def").sum() == 11
        names = [e for _, e in p.events]
        for ev in ("ball_snap", "pass_forward", "pass_arrived", "pass_outcome_caught"):
            assert ev in names, (name, ev)
        assert p.event_time("ball_snap") == 0.0
        assert p.t[0] <= -2.0  # a few seconds before the snap to train from
        roles = set(p.roster.role.astype(str))
        assert {"passer", "pass_rusher", "blocker", "route_runner", "coverage"} <= roles
        assert p.meta.target_nfl_id in set(p.roster.nfl_id.tolist())
        assert not np.isnan(p.x).any() and not np.isnan(p.ball_x).any()
        assert p.flags == {}, p.flags  # the assembly's self-check finds nothing suspect


def test_synthetic_plays_respect_human_limits(plays):
    for name, p in plays.items():
        vx, vy = np.gradient(p.x, axis=0) * 10, np.gradient(p.y, axis=0) * 10
        speed = np.hypot(vx, vy)
        acc = np.hypot(np.gradient(vx, axis=0), np.gradient(vy, axis=0)) * 10
        assert speed.max() <= 10.5, name  # yd/s: NFL top speeds are ~10-11 yd/s
        assert acc.max() <= 8.0, name  # yd/s^2
        # the recorded speed agrees with the displacement
        assert np.abs(speed[1:-1] - p.s[1:-1]).max() < 1.0


def test_synthetic_rush_counts_and_pressure(plays):
    rushers = {n: len(p.players_where(role="pass_rusher")) for n, p in plays.items()}
    assert rushers == {"cover3_smash": 4, "cover1_blitz": 5, "pressure_hot": 6}
    from engine.training.scoring import pressure_time
    for name, p in plays.items():
        pt, how = pressure_time(p, passer(p))
        assert pt is not None and pt > p.event_time("pass_forward"), (name, pt)
    # the hot-route play's free rusher arrives early
    assert pressure_time(plays["pressure_hot"], passer(plays["pressure_hot"]))[0] < 3.0


def test_synthetic_plays_are_deterministic(plays):
    again = synthetic_play("cover1_blitz")
    assert np.array_equal(again.x, plays["cover1_blitz"].x)
    assert again.events == plays["cover1_blitz"].events


def test_builtin_drill_file():
    d = load_drill("builtin")
    assert [p.ref for p in d.plays] == ["synthetic:cover3_smash", "synthetic:cover1_blitz", "synthetic:pressure_hot"]
    assert load_play_ref(d.plays[2].ref).meta.extra["synthetic"] == "pressure_hot"


def test_bad_drill_files_name_the_field(tmp_path):
    with pytest.raises(InputError, match="format"):
        parse_drill({"plays": ["synthetic:cover3_smash"]}, "x.json")
    with pytest.raises(InputError, match=r"plays\[1\]\.play"):
        parse_drill({"format": "qbvr-drill", "plays": ["synthetic:cover3_smash", "nonsense"]}, "x.json")
    with pytest.raises(InputError, match="unknown built-in play"):
        parse_drill({"format": "qbvr-drill", "plays": ["synthetic:nope"]}, "x.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InputError, match="bad.json"):
        load_drill(str(bad))
    good = tmp_path / "mine.json"
    good.write_text(json.dumps({"format": "qbvr-drill", "plays": [{"play": "2018092311:141", "lead_s": 2}]}))
    d = load_drill(str(good))
    assert d.name == "mine" and d.plays[0].lead_s == 2.0
