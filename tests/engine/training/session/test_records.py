"""Stream records read back only with the shapes their fields declare: a point or direction of the wrong length,
or model tracks whose values do not fill times x players, are a RecordError naming the field (the summary and
the review would otherwise fail on them with numpy shape errors)."""

from __future__ import annotations

import pytest

from engine.training.session.records import FrameSample, ModelTracks, RecordError, RepOutcome

FRAME = FrameSample(1, 0.5, [1.0, 2.0, 1.8], [1.0, 0.0, 0.0]).to_record()


@pytest.mark.parametrize("key,value", [("gaze", []), ("eye", [1.0, 2.0]), ("gaze_point", [0.0, 0.0, 0.0, 1.0]),
                                       ("eye", [1.0, float("nan"), 1.8])])
def test_frame_with_an_empty_or_short_gaze_or_eye_is_a_record_error(key, value):
    with pytest.raises(RecordError, match=repr(key)):
        FrameSample.from_record({**FRAME, key: value}, 2)


def test_outcome_catch_point_must_be_two_numbers():
    rec = RepOutcome(1, "complete", 2.5, 7, catch=[30.0, 20.0]).to_record()
    assert RepOutcome.from_record(rec, 2).catch == [30.0, 20.0]
    with pytest.raises(RecordError, match="'catch'"):
        RepOutcome.from_record({**rec, "catch": [30.0]}, 2)


def test_model_tracks_that_do_not_fill_times_by_players_are_a_record_error():
    rec = ModelTracks(1, [0.0, 0.1], [1.0, 2.0], [1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]).to_record()
    assert ModelTracks.from_record(rec, 2).x == [1.0, 2.0, 3.0, 4.0]
    with pytest.raises(RecordError, match="expected 4"):
        ModelTracks.from_record({**rec, "x": [1.0]}, 2)
