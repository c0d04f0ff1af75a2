"""Motion quality on real motion capture (issue 3 acceptance): mocap readers, gap filling against linear
interpolation, RFID fusion, and motion synthesised from a 10 Hz track against the real clip."""

from __future__ import annotations

import numpy as np
import pytest

from replay.errors import InputError
from replay.fusion import fuse_root
from replay.gapfill import PosePrior, fill_gaps, fill_linear
from replay.mocap import clip_track_play, read_bvh, read_deepmimic
from replay.motion import build_motion
from replay.motion_metrics import foot_skating, lowest_point, step_rate
from tests.conftest import shared_path

LOCOMOTION = ("walk", "jog", "run")


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


def _prior_without(clips, name):
    c = clips["run"]
    return PosePrior.fit([clips[n].positions for n in LOCOMOTION if n != name], root=0,
                         left=c.index("left_hip"), right=c.index("right_hip"))


def gap_errors(clips, name, gap_s, step=9):
    """Mean wrist error (mm) over the gap of the policy fill and of linear interpolation, over many gap
    placements in the looped clip, both wrists; the prior is trained on the other locomotion clips."""
    c = clips[name]
    pos = c.looped(8.0).positions
    n = int(round(gap_s * c.fps))
    prior = _prior_without(clips, name)
    fill, lin = [], []
    for wrist in ("left_wrist", "right_wrist"):
        j = c.index(wrist)
        for a in range(30, len(pos) - n - 30, step):
            m = pos.copy()
            m[a:a + n, j] = np.nan
            truth = pos[a:a + n, j]
            fill.append(np.linalg.norm(fill_gaps(m, c.fps, c.parents, prior=prior)[a:a + n, j] - truth, axis=-1).mean())
            lin.append(np.linalg.norm(fill_linear(m, c.fps)[a:a + n, j] - truth, axis=-1).mean())
    return 1000 * float(np.mean(fill)), 1000 * float(np.mean(lin))


@pytest.mark.parametrize("name", ["run", "walk"])
def test_issue3_gap_filling_beats_linear_and_stays_under_200mm(clips, name):
    for gap in (0.1, 0.3, 0.5, 1.0):
        fill, lin = gap_errors(clips, name, gap, step=23)
        assert fill < lin, (name, gap, fill, lin)
        if gap == 1.0:
            assert fill < 200.0, (name, fill)


def fusion_rmse(clip, seeds=range(3), noise=0.10):
    """Pelvis RMSE (mm) recovered from the mid-shoulder point at 10 Hz with `noise` m per axis, using the
    pose's shoulder-to-pelvis offset (no pose root)."""
    pos = clip.looped(8.0).positions
    t = np.arange(len(pos)) / clip.fps
    mid = 0.5 * (pos[:, clip.index("left_shoulder")] + pos[:, clip.index("right_shoulder")])
    root = pos[:, 0]
    k = np.arange(0, len(pos), int(round(clip.fps / 10)))
    errs = []
    for seed in seeds:
        tags = mid[k, :2] + np.random.default_rng(seed).normal(0, noise, (len(k), 2))
        est = fuse_root(t, t[k], tags, (mid - root)[:, :2])
        errs.append(np.sqrt(np.mean(np.sum((est - root[:, :2]) ** 2, axis=1))))
    return 1000 * float(np.mean(errs))


def test_issue3_fusion_recovers_the_pelvis_on_the_run(clips):
    assert fusion_rmse(clips["run"]) < 90.0


def synthesis_figures(clip):
    """(real step rate, synthesised step rate, synthesised foot-skating ratio) for motion synthesised from the
    clip's 10 Hz mid-shoulder track."""
    loop = clip.looped(8.0)
    pos = loop.positions
    real = step_rate([pos[:, clip.index(f"{s}_ankle"), 2] for s in ("left", "right")], clip.fps)
    m = build_motion(clip_track_play(loop, height_m=1.65), fps=30.0)
    J = m.all_joints()[:, 0]
    keep = (m.times > 0.5) & (m.times < m.times[-1] - 0.5)
    feet = [lowest_point(J, m.joint_names, s)[keep] for s in "lr"]
    syn = step_rate([f[:, 2] for f in feet], 30.0)
    skate = max(foot_skating(f, 30.0) for f in feet)
    return real, syn, skate


@pytest.mark.parametrize("name", ["run", "walk"])
def test_issue3_synthesis_step_rate_and_foot_skating(clips, name):
    real, syn, skate = synthesis_figures(clips[name])
    assert abs(syn / real - 1) < 0.15, (real, syn)
    assert skate < 0.10
