"""Drills leave trick plays out unless they ask for them (`"trick_plays": true`)."""

from __future__ import annotations

import json

import pytest

from engine.training.launch import plans_for
from replay.errors import InputError, QbvrError
from scenes.drills import parse_drill

TRICK = "2018100701:1468"  # Beckham throws after a pitch from Manning
DROPBACK = "2018092311:141"


def _drill(tmp_path, plays, **extra):
    path = tmp_path / "d.json"
    path.write_text(json.dumps({"format": "qbvr-drill", "name": "d", "plays": plays, **extra}))
    return str(path)


def test_trick_plays_field_is_a_boolean():
    doc = {"format": "qbvr-drill", "plays": ["synthetic:cover3_smash"]}
    assert parse_drill(doc).trick_plays is False
    assert parse_drill(dict(doc, trick_plays=True)).trick_plays is True
    with pytest.raises(InputError, match="trick_plays"):
        parse_drill(dict(doc, trick_plays="yes"))


def test_drill_leaves_trick_plays_out_unless_asked(real_store, tmp_path, capsys):
    plans = plans_for(_drill(tmp_path, [TRICK, DROPBACK]), str(real_store.root), None)
    assert [p.ref for p in plans] == [DROPBACK]
    assert f"left out {TRICK}: a trick play" in capsys.readouterr().out
    plans = plans_for(_drill(tmp_path, [TRICK, DROPBACK], trick_plays=True), str(real_store.root), None)
    assert [p.ref for p in plans] == [TRICK, DROPBACK]
    plans = plans_for(TRICK, str(real_store.root), None)  # named on its own: trained as asked
    assert [p.ref for p in plans] == [TRICK]
    with pytest.raises(QbvrError, match="every play of the drill is a trick play"):
        plans_for(_drill(tmp_path, [TRICK]), str(real_store.root), None)
