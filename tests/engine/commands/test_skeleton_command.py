"""`qbvr skeleton`: the exported .npz and its errors."""

from __future__ import annotations

import numpy as np

from engine.cli import main
from replay.field_frame import FIELD, YARD
from replay.motion import build_motion
from replay.pose import PoseStream, write_pose
from replay.store import PlayStore


def test_skeleton_command_writes_the_documented_npz(tmp_path, tiny_play, capsys):
    store = PlayStore(tmp_path / "store")
    store.save(tiny_play)
    out = tmp_path / "s.npz"
    rc = main(["skeleton", tiny_play.key, "--store", str(store.root), "--fps", "30", "--from", "ball_snap",
               "--to", "pass_arrived", "--out", str(out)])
    assert rc == 0 and "wrote" in capsys.readouterr().out
    d = np.load(out, allow_pickle=False)
    t_arr = tiny_play.event_time("pass_arrived")
    T = int(round(t_arr * 30)) + 1
    assert d["joints"].shape == (T, 22, 29, 3) and d["joints"].dtype == np.float32
    assert d["t"][0] == 0.0 and d["t"][-1] == np.float64(t_arr).round(6)
    assert list(d["nfl_ids"]) == list(tiny_play.roster.nfl_id)
    assert d["joint_names"][0] == "mid_hip" and d["parents"][0] == -1 and d["parents"].shape == (29,)
    assert d["ball"].shape == (T, 3)
    m = build_motion(tiny_play)
    assert np.allclose(d["joints"][10], m.joints_at(d["t"][10]), atol=1e-5)


def test_skeleton_command_with_pose_and_errors(tmp_path, tiny_play, capsys):
    store = PlayStore(tmp_path / "store")
    store.save(tiny_play)
    m = build_motion(tiny_play)
    ts = np.arange(0, 1.0, 1 / 60)
    J = m.joints_at(ts)[:, :1] / YARD
    J[..., 0] = FIELD.length - J[..., 0] if tiny_play.meta.play_direction == "left" else J[..., 0]
    J[..., 1] = FIELD.width - J[..., 1] if tiny_play.meta.play_direction == "left" else J[..., 1]
    s = PoseStream(tiny_play.meta.game_id, tiny_play.meta.play_id, m.joint_names, tiny_play.roster.nfl_id[:1],
                   ts, J.astype(np.float32), np.ones(J.shape[:3], np.float32))
    write_pose(tmp_path / "pose.csv", [s])
    out = tmp_path / "p.npz"
    rc = main(["skeleton", tiny_play.key, "--store", str(store.root), "--pose", str(tmp_path / "pose.csv"),
               "--out", str(out)])
    assert rc == 0 and "1 pose" in capsys.readouterr().out
    rc = main(["skeleton", tiny_play.key, "--store", str(store.root), "--from", "kickoff", "--out", str(out)])
    assert rc == 2 and "unknown event 'kickoff'" in capsys.readouterr().err
    rc = main(["skeleton", "1:2", "--store", str(store.root), "--out", str(out)])
    assert rc == 2 and "not in the store" in capsys.readouterr().err


def test_skeleton_command_is_listed_in_help(capsys):
    import pytest
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "skeleton" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["skeleton", "--help"])
    out = capsys.readouterr().out
    assert "--from" in out and "--pose" in out and "joints float32" in out
