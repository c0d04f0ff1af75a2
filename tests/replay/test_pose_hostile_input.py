"""Crafted pose files: hostile shapes and non-UTF-8 text are clear errors naming the file (and line)."""

from __future__ import annotations

import msgpack
import numpy as np
import pytest

from replay.errors import InputError
from replay.pose import read_pose
from replay.store import encode_array


def _qbpose(path, shape):
    xyz = encode_array(np.zeros((2, 1, 29, 3), np.float32))
    xyz["shape"] = shape
    body = {"format": "qbvr-pose", "version": 1, "plays": [{
        "game_id": 1, "play_id": 2, "joint_names": ["a"] * 29, "nfl_ids": encode_array(np.array([1], np.int64)),
        "t": encode_array(np.array([0.0, 0.1])), "xyz": xyz,
        "confidence": encode_array(np.ones((2, 1, 29), np.float32))}]}
    path.write_bytes(msgpack.packb(body, use_bin_type=True))
    return path


@pytest.mark.parametrize("shape", [[float("inf")], [-1, 1, 29, 3], [2 ** 62, 2 ** 62], ["x"], None])
def test_qbpose_with_hostile_shape_is_a_clear_error(tmp_path, shape):
    with pytest.raises(InputError, match="malformed") as e:
        read_pose(_qbpose(tmp_path / "p.qbpose", shape))
    assert "p.qbpose" in str(e.value)


def test_non_utf8_pose_csv_names_the_line(tmp_path):
    p = tmp_path / "p.csv"
    p.write_bytes(b"game_id,play_id,nfl_id,t,joint,x,y,z\n1,2,3,0.0,pelvis,1,2,3\n1,2,3,0.1,pel\xffvis,1,2,3\n")
    with pytest.raises(InputError, match=r"line 3: not UTF-8 text \(byte 0xff\)"):
        read_pose(p)
