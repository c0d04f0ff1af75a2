"""Optical pose streams: the documented input format, readers/writers with validation, and applying a stream
to a play (gap filling of occluded joints, fusion of the root with the RFID track, resampling).

Format (long CSV, one row per player, instant and joint; header required):
  game_id, play_id, nfl_id, t | frame, joint, x, y, z[, confidence]
- `t`: seconds from the snap; or `frame`: pose frames from the snap at the stream's rate (60 Hz unless told).
- `joint`: one of the 29 names in assets/skeleton.json.
- x, y, z: yards, in the same field frame as the play's tracking file (x along the field 0-120, y across,
  z up); the reader keeps them as given and `apply_pose` normalises with the play's direction.
- confidence 0-1 (default 1); a joint below `min_confidence`, or with an empty/NaN coordinate, is occluded.
The same content as msgpack (`.qbpose`): {"format": "qbvr-pose", "version": 1, "plays": [{"game_id",
"play_id", "joint_names", "nfl_ids", "t", "xyz" [M, K, J, 3], "confidence" [M, K, J]}]} with arrays encoded as in
the play store. Nothing is unpickled or evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import msgpack
import numpy as np
import pandas as pd

from .atomic import write_atomic
from .errors import InputError, StoreError, undecodable_line
from .field_frame import FIELD, YARD
from .fusion import fuse_root
from .gapfill import PosePrior, fill_gaps
from .play import Play
from .skeleton import Skeleton, load_skeleton
from .store import decode_array, encode_array

FORMAT = "qbvr-pose"
VERSION = 1
REQUIRED = ("game_id", "play_id", "nfl_id", "joint", "x", "y", "z")
MIN_CONFIDENCE = 0.3
EDGE_BLEND_S = 0.25


@dataclass
class PoseStream:
    """Measured joints of some players of one play: xyz [M, K, J, 3] yards (raw field frame), NaN = occluded."""

    game_id: int
    play_id: int
    joint_names: tuple[str, ...]
    nfl_ids: np.ndarray  # int64 [K]
    t: np.ndarray  # float64 [M], s from the snap
    xyz: np.ndarray  # float32 [M, K, J, 3]
    confidence: np.ndarray  # float32 [M, K, J]

    @property
    def key(self) -> str:
        return f"{self.game_id}:{self.play_id}"

    @property
    def fps(self) -> float:
        return 1.0 / float(np.median(np.diff(self.t))) if len(self.t) > 1 else 60.0


def read_pose(path: str | Path, *, fps: float = 60.0, min_confidence: float = MIN_CONFIDENCE,
              skeleton: Skeleton | None = None) -> dict[str, PoseStream]:
    """Read a pose file (.csv[.gz] or .qbpose msgpack) -> streams keyed 'GAMEID:PLAYID'."""
    path = Path(path)
    skel = skeleton or load_skeleton()
    if not path.exists():
        raise InputError(path, "pose file not found")
    if path.suffix == ".qbpose":
        return _read_msgpack(path, skel)
    return _read_csv(path, fps, min_confidence, skel)


def _read_csv(path: Path, fps: float, min_conf: float, skel: Skeleton) -> dict[str, PoseStream]:
    try:
        df = pd.read_csv(path, dtype={"joint": str})
    except UnicodeDecodeError:
        line, byte = undecodable_line(path) or (None, 0)
        raise InputError(path, f"not UTF-8 text (byte 0x{byte:02x})", line=line, expected="a UTF-8 CSV") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, OSError) as e:
        raise InputError(path, f"cannot read as CSV: {str(e).splitlines()[0]}") from None
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in REQUIRED if c not in df.columns]
    if "t" not in df.columns and "frame" not in df.columns:
        missing.append("t or frame")
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}", line=1,
                         expected="game_id, play_id, nfl_id, t|frame, joint, x, y, z[, confidence]")
    time_col = "t" if "t" in df.columns else "frame"
    for col in ("game_id", "play_id", "nfl_id", time_col, "x", "y", "z") + (
            ("confidence",) if "confidence" in df.columns else ()):
        num = pd.to_numeric(df[col], errors="coerce")
        bad = num.isna() & df[col].notna() & (df[col].astype(str).str.strip() != "")
        if col in ("game_id", "play_id", "nfl_id", time_col):
            bad |= num.isna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(path, f"not a number: {df[col].iloc[i]!r}", line=i + 2, column=col)
        df[col] = num
    unknown = ~df["joint"].isin(skel.names)
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise InputError(path, f"unknown joint {df['joint'].iloc[i]!r}", line=i + 2, column="joint",
                         expected="one of the 29 names in assets/skeleton.json")
    conf = df["confidence"] if "confidence" in df.columns else pd.Series(1.0, index=df.index)
    if ((conf < 0) | (conf > 1)).any():
        i = int(np.flatnonzero(((conf < 0) | (conf > 1)).to_numpy())[0])
        raise InputError(path, f"confidence {conf.iloc[i]} outside 0-1", line=i + 2, column="confidence")
    df["confidence"] = conf.fillna(1.0)
    df["t"] = df[time_col] if time_col == "t" else df["frame"] / fps
    dup = df.duplicated(["game_id", "play_id", "nfl_id", "t", "joint"])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(path, "duplicate row for the same player, time and joint", line=i + 2)
    out = {}
    jidx = {n: k for k, n in enumerate(skel.names)}
    for (g, p), sub in df.groupby(["game_id", "play_id"], sort=True):
        ts = np.unique(sub["t"].to_numpy(np.float64))
        ids = np.unique(sub["nfl_id"].to_numpy(np.int64))
        xyz = np.full((len(ts), len(ids), len(skel.names), 3), np.nan, np.float32)
        cf = np.zeros((len(ts), len(ids), len(skel.names)), np.float32)
        ti = np.searchsorted(ts, sub["t"].to_numpy(np.float64))
        ki = np.searchsorted(ids, sub["nfl_id"].to_numpy(np.int64))
        ji = sub["joint"].map(jidx).to_numpy(np.int64)
        xyz[ti, ki, ji] = sub[["x", "y", "z"]].to_numpy(np.float32)
        cf[ti, ki, ji] = sub["confidence"].to_numpy(np.float32)
        xyz[cf < min_conf] = np.nan
        s = PoseStream(int(g), int(p), skel.names, ids, ts, xyz, cf)
        out[s.key] = s
    return out


def write_pose(path: str | Path, streams: list[PoseStream]) -> None:
    """Write streams as .qbpose (msgpack) or .csv, atomically."""
    path = Path(path)
    if path.suffix == ".qbpose":
        body = {"format": FORMAT, "version": VERSION, "plays": [
            {"game_id": s.game_id, "play_id": s.play_id, "joint_names": list(s.joint_names),
             "nfl_ids": encode_array(s.nfl_ids.astype(np.int64)), "t": encode_array(s.t.astype(np.float64)),
             "xyz": encode_array(s.xyz.astype(np.float32)), "confidence": encode_array(s.confidence.astype(np.float32))}
            for s in streams]}
        write_atomic(path, msgpack.packb(body, use_bin_type=True))
        return
    rows = []
    for s in streams:
        M, K, J = s.confidence.shape
        ti, ki, ji = np.meshgrid(np.arange(M), np.arange(K), np.arange(J), indexing="ij")
        rows.append(pd.DataFrame({
            "game_id": s.game_id, "play_id": s.play_id, "nfl_id": s.nfl_ids[ki.ravel()],
            "t": np.round(s.t[ti.ravel()], 6), "joint": np.asarray(s.joint_names)[ji.ravel()],
            "x": s.xyz[..., 0].ravel(), "y": s.xyz[..., 1].ravel(), "z": s.xyz[..., 2].ravel(),
            "confidence": s.confidence.ravel()}))
    write_atomic(path, pd.concat(rows).to_csv(index=False, float_format="%.6f").encode())


def _read_msgpack(path: Path, skel: Skeleton) -> dict[str, PoseStream]:
    try:
        d = msgpack.unpackb(path.read_bytes(), raw=False, strict_map_key=False)
    except (msgpack.ExtraData, msgpack.FormatError, msgpack.StackError, ValueError) as e:
        raise InputError(path, f"not a msgpack pose file: {e}") from None
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise InputError(path, "not a qbvr pose file", column="format", expected=f"format {FORMAT!r}")
    if d.get("version") != VERSION:
        raise InputError(path, f"unsupported version {d.get('version')!r}", column="version",
                         expected=str(VERSION))
    out = {}
    for k, e in enumerate(d.get("plays") or []):
        where = f"plays[{k}]"
        try:
            names = tuple(str(n) for n in e["joint_names"])
            ids = decode_array(e["nfl_ids"], "nfl_ids").astype(np.int64)
            t = decode_array(e["t"], "t").astype(np.float64)
            xyz = decode_array(e["xyz"], "xyz").astype(np.float32)
            cf = decode_array(e["confidence"], "confidence").astype(np.float32)
            g, p = int(e["game_id"]), int(e["play_id"])
        except (KeyError, TypeError, ValueError, StoreError) as err:
            raise InputError(path, f"malformed entry: {err}", column=where) from None
        if names != skel.names:
            raise InputError(path, "joint names differ from assets/skeleton.json", column=f"{where}.joint_names")
        M, K, J = len(t), len(ids), len(names)
        if xyz.shape != (M, K, J, 3) or cf.shape != (M, K, J):
            raise InputError(path, f"xyz {xyz.shape} / confidence {cf.shape} do not match {M} times, {K} "
                             f"players, {J} joints", column=where)
        if M > 1 and np.any(np.diff(t) <= 0):
            raise InputError(path, "times are not strictly increasing", column=f"{where}.t")
        s = PoseStream(g, p, names, ids, t, xyz, cf)
        out[s.key] = s
    return out


def sample_pose(pose: PoseStream, times: np.ndarray | float) -> np.ndarray:
    """The stream's joints at `times` (s from the snap), at its own rate: linear between its two nearest frames;
    NaN where either is occluded or outside the stream's span. [T, K, J, 3] yards, raw field frame."""
    tt = np.atleast_1d(np.asarray(times, np.float64))
    M = len(pose.t)
    if M == 1:
        out = np.repeat(pose.xyz[:1], len(tt), 0).astype(np.float32)
        out[np.abs(tt - pose.t[0]) > 1e-9] = np.nan
        return out
    i = np.clip(np.searchsorted(pose.t, tt, side="right") - 1, 0, M - 2)
    w = ((tt - pose.t[i]) / (pose.t[i + 1] - pose.t[i])).astype(np.float32)[:, None, None, None]
    out = pose.xyz[i] + (pose.xyz[i + 1] - pose.xyz[i]) * w
    out[(tt < pose.t[0]) | (tt > pose.t[-1])] = np.nan
    return out


def normalised_world(play: Play, xyz_yd: np.ndarray) -> np.ndarray:
    """Raw-frame yards [..., 3] -> world metres in the play's normalised frame (offense toward +x)."""
    p = np.asarray(xyz_yd, np.float64).copy()
    if play.meta.play_direction == "left":
        p[..., 0], p[..., 1] = FIELD.turned(p[..., 0], p[..., 1])
    return p * YARD


def apply_pose(play: Play, pose: PoseStream, times: np.ndarray, joints: np.ndarray,
               skel: Skeleton | None = None) -> np.ndarray:
    """Replace the synthesised joints [T, P, J, 3] of the players the stream covers, in place, over the
    stream's time span (blended at its edges): occluded joints filled, the root fused with the RFID track.
    Returns the covered roster columns."""
    skel = skel or load_skeleton()
    if pose.joint_names != skel.names:
        raise InputError(pose.key, "pose joint names differ from the skeleton")
    if pose.key != play.key:
        raise InputError(pose.key, f"pose stream is for play {pose.key}, not {play.key}")
    world = normalised_world(play, pose.xyz)  # [M, K, J, 3]
    fps = pose.fps
    root, ls, rs = skel.index("mid_hip"), skel.index("l_shoulder"), skel.index("r_shoulder")
    complete = np.isfinite(world).all(axis=(2, 3))
    prior = None
    if complete.sum() >= 30:
        prior = PosePrior.fit([world[:, k][complete[:, k]] for k in range(world.shape[1]) if complete[:, k].any()],
                              root=root, left=skel.index("l_hip"), right=skel.index("r_hip"))
    covered = []
    for k, nid in enumerate(pose.nfl_ids):
        hits = np.flatnonzero(play.roster.nfl_id == nid)
        if not len(hits) or not np.isfinite(world[:, k]).any():
            continue
        p = int(hits[0])
        seq = fill_gaps(world[:, k], fps, skel.parents, prior=prior)
        # fuse: RFID tag samples shifted by the pose's tag-to-pelvis offset, plus the pose's own pelvis
        tag_ok = np.isfinite(play.x[:, p]) & np.isfinite(play.y[:, p]) & (play.t >= pose.t[0] - 0.5) \
            & (play.t <= pose.t[-1] + 0.5)
        off = (0.5 * (seq[:, ls] + seq[:, rs]) - seq[:, root])[:, :2]
        own = seq[:, root, :2]
        if tag_ok.sum() >= 2:
            tags = np.stack([play.x[tag_ok, p], play.y[tag_ok, p]], -1).astype(np.float64) * YARD
            fused = fuse_root(pose.t, play.t[tag_ok], tags, off, own)
            seq[..., :2] += (fused - seq[:, root, :2])[:, None, :]
        # resample to the internal grid over the stream's span, blended into the synthesis at its edges
        inside = (times >= pose.t[0]) & (times <= pose.t[-1])
        if not inside.any():
            continue
        ti = times[inside]
        res = np.empty((len(ti), seq.shape[1], 3))
        for j in range(seq.shape[1]):
            for c in range(3):
                res[:, j, c] = np.interp(ti, pose.t, seq[:, j, c])
        w_in = np.ones_like(ti) if pose.t[0] <= times[0] else np.clip((ti - pose.t[0]) / EDGE_BLEND_S, 0, 1)
        w_out = np.ones_like(ti) if pose.t[-1] >= times[-1] else np.clip((pose.t[-1] - ti) / EDGE_BLEND_S, 0, 1)
        w = np.minimum(w_in, w_out)[:, None, None]
        blended = joints[inside, p] * (1 - w) + res * w
        # measured feet can dip below the turf (noise, calibration): lift the body by the dip
        feet = [skel.index(n) for n in skel.names if n.endswith(("ankle", "heel", "toe"))]
        dip = np.minimum(blended[:, feet, 2].min(axis=1), 0.0)
        blended[..., 2] -= dip[:, None]
        joints[inside, p] = blended.astype(joints.dtype)
        covered.append(p)
    return np.asarray(covered, np.int64)
