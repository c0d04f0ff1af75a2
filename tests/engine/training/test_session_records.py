"""Session stream records: typed and versioned; streams written before the typed records (format 1, fixtures
recorded with that code) still read and report exactly as they did."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import msgpack
import pytest

from engine.cli import main
from engine.training.session.records import (
    VERSION,
    ButtonPress,
    FrameSample,
    ReceiverEntry,
    RecordError,
    RepEvent,
    RepStart,
    SessionEnd,
    SessionHeader,
    Throw,
    from_record,
)
from engine.training.session.stream import STREAM, SessionWriter, read_stream, read_summary
from replay.errors import InputError

V1 = Path(__file__).resolve().parents[1] / "fixtures" / "session_v1"


def _copy(name: str, tmp_path: Path) -> Path:
    dst = tmp_path / name
    shutil.copytree(V1 / name, dst)
    return dst


def test_format_1_streams_read_as_typed_records():
    drill = read_stream(V1 / "drill_throw_sack")
    assert drill.version == 1 and drill.complete and drill.problem == ""
    assert drill.header.backend == "offscreen" and drill.header.fps == 30.0
    assert drill.header.plays == ["synthetic:cover3_smash", "synthetic:pressure_hot"]
    reps = drill.of_type(RepStart)
    assert [r.play_ref for r in reps] == drill.header.plays
    assert all(isinstance(x, ReceiverEntry) for x in reps[0].receivers) and len(reps[0].receivers) == 5
    assert reps[1].pressure_how == "rusher_reached_qb" and reps[1].stop_t == pytest.approx(2.58)
    assert [(e.rep, e.name) for e in drill.of_type(RepEvent)] == [(1, "snap"), (1, "throw"), (2, "snap"),
                                                                  (2, "sack")]
    (throw,) = drill.of_type(Throw)
    assert throw.how == "script" and throw.play_t == pytest.approx(2.6)
    frames = drill.of_type(FrameSample, 1)
    assert [f.index for f in frames] == list(range(len(frames)))
    assert {f.category for f in frames} == {"downfield", "rush"} and {f.source for f in frames} == {"script"}
    assert all(f.head is None and f.head_direction is f.gaze for f in frames)

    eyes = read_stream(V1 / "headset_eyes")
    frames = eyes.of_type(FrameSample, 1)
    assert {f.source for f in frames} == {"eye"} and eyes.header.clock == "HeadsetClock"
    assert all(f.head is not None for f in frames)  # the eye tracker separates gaze and head


@pytest.mark.parametrize("name", ["drill_throw_sack", "headset_eyes"])
def test_qbvr_report_on_a_format_1_session_gives_the_summary_it_gave_before(name, tmp_path, capsys):
    session = _copy(name, tmp_path)
    before = (session / "summary.json").read_bytes()
    assert main(["report", str(session), "--json", "--out", str(tmp_path / "plots")]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(before)  # recomputed from the old stream by the new code
    assert (session / "summary.json").read_bytes() == before  # equal, so not rewritten
    assert sorted(p.name for p in (tmp_path / "plots").iterdir())[:3] == ["rep1_cp.png", "rep1_gaze.png",
                                                                         "rep1_map.png"]


def test_a_format_1_stream_killed_mid_frame_still_reports(tmp_path):
    session = _copy("drill_throw_sack", tmp_path)
    data = (session / STREAM).read_bytes()
    (session / STREAM).write_bytes(data[: len(data) // 3])
    (session / "summary.json").unlink()
    got = read_stream(session)
    assert not got.complete and got.problem.startswith("truncated record at byte")
    assert main(["report", str(session), "--out", str(tmp_path / "plots")]) == 0
    summary = read_summary(session)
    assert summary["complete"] is False and summary["reps"][0]["score"]["outcome"] == "incomplete"


def _records() -> list:
    return [SessionHeader(started="2026-01-01T00:00:00+00:00", target="builtin", backend="offscreen",
                          trainee="scripted", trainee_spec="1@0.2,throw=1@1", clock="FixedStepClock", fps=60.0,
                          plays=["synthetic:cover3_smash"], epoch=1.5, flush_s=0.5),
            RepStart(1, "synthetic:cover3_smash", "9900000000:1", 0.25, -3.0, 4.71, 5.8,
                     [ReceiverEntry(1, 90101, 11, "WR", "WR X #11")], title="t", note="n", pressure_t=4.71,
                     pressure_how="rusher_reached_qb", qb_nfl_id=90100, trainee_spec="1@0.2",
                     players={90101: "WR #11 X"}),
            FrameSample(1, 0.25, [27.0, 24.0, 1.7], [1.0, 0.0, 0.0], index=3, wall_t=0.5, head=[0.0, 1.0, 0.0],
                        head_yaw=90.0, head_pitch=-2.5, source="eye", hit_nfl_id=90101, zone="short_left",
                        category="downfield", gaze_point=[35.0, 24.0, 1.2]),
            ButtonPress(1, "mouse1", 0.5, 0.75), Throw(1, 90101, 0.5, "click", 0.75), RepEvent(1, "throw", 0.5, 0.8),
            SessionEnd(1.25)]


def test_every_record_round_trips_through_format_2():
    for rec in _records():
        d = msgpack.unpackb(msgpack.packb(rec.to_record()), strict_map_key=False)
        assert d["record"] == rec.TYPE
        back = from_record(d, VERSION)
        if isinstance(rec, SessionHeader):
            assert back.version == VERSION
        assert back == rec


def test_the_writer_writes_readable_format_2(tmp_path):
    with SessionWriter(tmp_path / "s", _records()[0]) as w:
        for rec in _records()[1:-1]:
            w.write(rec)
    raw = list(msgpack.Unpacker(open(tmp_path / "s" / STREAM, "rb"), raw=False, strict_map_key=False))
    assert raw[0]["version"] == 2 and "k" not in raw[0]
    assert set(raw[2]) == {"record", "rep", "index", "play_t", "wall_t", "eye", "gaze", "head", "head_yaw",
                           "head_pitch", "source", "hit_nfl_id", "zone", "category", "gaze_point"}
    got = read_stream(tmp_path / "s")
    assert got.version == 2 and got.complete and got.records[1:-1] == _records()[1:-1]


def test_a_stream_from_a_newer_qbvr_is_refused_in_one_line(tmp_path):
    header = SessionHeader().to_record() | {"version": VERSION + 1}
    (tmp_path / STREAM).write_bytes(msgpack.packb(header))
    with pytest.raises(InputError, match=f"format version {VERSION + 1} is not one this qbvr reads") as e:
        read_stream(tmp_path)
    assert "\n" not in str(e.value)


def test_a_malformed_record_ends_the_stream_there_naming_the_field(tmp_path):
    good = [r.to_record() for r in _records()[:3]]
    bad = dict(good[2], play_t="soon")
    (tmp_path / STREAM).write_bytes(b"".join(msgpack.packb(d) for d in [*good, bad, good[2]]))
    got = read_stream(tmp_path)
    assert len(got.records) == 3 and got.problem.endswith("frame record field 'play_t' is 'soon', expected a number")
    with pytest.raises(RecordError, match="lacks 'gaze'"):
        from_record({k: v for k, v in good[2].items() if k != "gaze"}, VERSION)
    with pytest.raises(RecordError, match="unknown record type 'f'"):
        from_record({"record": "f"}, VERSION)


def test_motion_throw_keeps_its_release_velocity_and_older_throws_still_read():
    from engine.training.session.records import Throw, from_record

    t = Throw(1, 2559248, 2.05, "motion", 7.5, [3.01234, -0.5, 0.25], "release")
    back = from_record(t.to_record(), 2)
    assert back.velocity == [3.012, -0.5, 0.25] and back.aimed == "release" and back.how == "motion"
    old = {"record": "throw", "rep": 1, "nfl_id": 7, "how": "trigger", "play_t": 1.5, "wall_t": 3.0}
    assert from_record(old, 2) == Throw(1, 7, 1.5, "trigger", 3.0)
    assert from_record({"k": "in", "kind": "throw", "rep": 1, "nfl_id": 7, "t": 1.5, "w": 3.0}, 1).velocity is None
