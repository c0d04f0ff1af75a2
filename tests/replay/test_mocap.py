"""Motion quality on real motion capture: mocap readers, gap filling against linear
interpolation, RFID fusion, and motion synthesised from a 10 Hz track against the real clip."""

from __future__ import annotations

import numpy as np
import pytest

from replay.errors import InputError
from replay.mocap import read_bvh, read_deepmimic
from replay.motion_eval import LOCOMOTION, fusion_rmse, gap_errors, synthesis_figures
from replay.motion_metrics import step_rate
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def clips():
    return {n: read_deepmimic(shared_path("mocap", f"humanoid3d_{n}.txt")) for n in LOCOMOTION}


def test_deepmimic_reader_reproduces_the_measured_gait(clips):
    run = clips["run"].looped(6.0)
    speed = np.linalg.norm(run.positions[-1, 0, :2] - run.positions[0, 0, :2]) / (run.n_frames / run.fps)
    assert run.fps == pytest.approx(30.0, abs=0.01)
    assert speed == pytest.approx(3.56, rel=0.03)  # data README: run 3.56 m/s
    rate = step_rate([run.positions[:, run.index(f"{s}_ankle"), 2] for s in ("left", "right")], run.fps)
    assert rate == pytest.approx(2.45, rel=0.05)
    p = clips["walk"].positions
    assert np.all(p[:, clips["walk"].index("neck"), 2] > p[:, 0, 2])  # Z is up


def test_bvh_reader_throw_clip():
    clip = read_bvh(shared_path("mocap", "cmu", "79_91.bvh"))
    assert clip.fps == pytest.approx(120.0, abs=0.01) and clip.n_frames == 498 and len(clip.names) == 31
    hand = clip.positions[:, clip.index("RightHand")]
    head = clip.positions[:, clip.index("Head")]
    # the overhand throw: the right hand rises above the head around the release (~2.1 s)
    above = np.flatnonzero(hand[:, 2] > head[:, 2])
    assert len(above) and 1.5 < above.mean() / clip.fps < 2.6
    assert 1.3 < head[:, 2].max() < 1.9  # the head joint of a standing adult, in metres


def test_mocap_readers_reject_bad_files(tmp_path):
    p = tmp_path / "bad.bvh"
    p.write_text("HIERARCHY\nROOT Hips\n{\nOFFSET 0 0 0\nCHANNELS 1 Xposition\n}\nMOTION\nFrames: 2\n"
                 "Frame Time: 0.01\n1\n")
    with pytest.raises(InputError, match="2 frames declared but only 1"):
        read_bvh(p)
    q = tmp_path / "clip.txt"
    q.write_text('{"Frames": [[0.03, 1, 2]]}')
    (tmp_path / "skeleton.json").write_text(shared_path("mocap", "skeleton.json").read_text())
    with pytest.raises(InputError, match="frame 0 has 3 values"):
        read_deepmimic(q)


@pytest.mark.parametrize("name", ["run", "walk"])
def test_gap_filling_beats_linear_and_stays_under_200mm(clips, name):
    for gap in np.round(np.arange(0.1, 1.01, 0.1), 1):  # every length from 0.1 s to 1.0 s (3 to 30 frames)
        fill, lin = gap_errors(clips, name, gap, step=29)
        assert fill < lin, (name, gap, fill, lin)
        if gap == 1.0:
            assert fill < 200.0, (name, fill)


def test_fusion_recovers_the_pelvis_on_the_run(clips):
    fused, baseline = fusion_rmse(clips["run"])
    assert fused < 90.0 and fused < baseline


@pytest.mark.parametrize("name", ["run", "walk"])
def test_synthesis_step_rate_and_foot_skating(clips, name):
    f = synthesis_figures(clips[name])
    assert abs(f["synth_step_rate"] / f["real_step_rate"] - 1) < 0.15, f
    assert f["skating"] < 0.10, f
