"""PlayMeta is built once and never changed afterwards."""

from __future__ import annotations

import copy
import dataclasses

import pytest
from conftest import synthetic_rows

from replay.assemble import PlayContext, build_play
from replay.play import PlayMeta
from replay.store import play_from_bytes, play_to_bytes


def _meta(**kw) -> PlayMeta:
    return PlayMeta(game_id=7, play_id=9, source_format="test", offense_team="HOM", defense_team="AWY",
                    play_type="pass", distance=10, extra={"formation": "SHOTGUN"}, **kw)


def test_fields_and_extra_cannot_be_assigned():
    meta = _meta()
    with pytest.raises(dataclasses.FrozenInstanceError):
        meta.los_x = 40.0
    with pytest.raises(TypeError):
        meta.extra["formation"] = "I_FORM"
    with pytest.raises(AttributeError):
        meta.extra.update({"x": 1})


def test_extra_is_a_copy_of_what_the_builder_passed():
    labels = {"formation": "SHOTGUN"}
    meta = PlayMeta(1, 2, "test", extra=labels)
    labels["formation"] = "EMPTY"
    assert meta.extra["formation"] == "SHOTGUN"


def test_a_changed_fact_is_a_new_meta():
    meta = _meta()
    moved = dataclasses.replace(meta, los_x=35.0)
    assert meta.los_x is None and moved.los_x == 35.0 and moved.extra == meta.extra
    assert copy.deepcopy(moved) == moved and copy.copy(moved) == moved


def test_assembly_leaves_the_readers_meta_untouched():
    df, info = synthetic_rows(direction="left")
    meta = _meta()
    before = meta.to_dict()
    play = build_play(df, PlayContext(meta=meta, path="<test>", direction=None, los_raw=info["los_raw"]))
    assert meta.to_dict() == before  # the reader's object: no direction, no line of scrimmage written into it
    assert play.meta is not meta
    assert play.meta.play_direction == "left" and play.meta.direction_inferred
    assert play.meta.los_x == pytest.approx(120.0 - info["los_raw"]) and play.meta.first_down_x is not None


def test_store_round_trip_keeps_a_frozen_meta(tiny_play):
    back = play_from_bytes(play_to_bytes(tiny_play))
    assert back.meta == tiny_play.meta
    with pytest.raises(dataclasses.FrozenInstanceError):
        back.meta.description = "changed"


def test_score_diff_is_offense_minus_defense_before_the_snap():
    base = PlayMeta(game_id=1, play_id=2, source_format="t", home_team="KC", away_team="LA", home_score=21,
                    away_score=14, offense_team="LA", defense_team="KC")
    assert base.score_diff == -7
    assert dataclasses.replace(base, offense_team="KC", defense_team="LA").score_diff == 7
    assert dataclasses.replace(base, offense_team="NE").score_diff is None  # neither home nor away
    assert dataclasses.replace(base, home_score=None).score_diff is None  # the release has no score
    assert PlayMeta.from_dict(base.to_dict()).score_diff == -7  # through the store's dict
    assert PlayMeta.from_dict({k: v for k, v in base.to_dict().items() if "score" not in k}).score_diff is None
