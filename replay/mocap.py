"""Readers for real motion capture: DeepMimic humanoid3d clips (JSON) and CMU BVH files.

Both return joint positions by forward kinematics in the engine's convention (metres, Z up), so they serve as
ground truth for gap filling, RFID fusion and checks of synthesised motion, and as reference motions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import InputError
from .field_frame import YARD

CMU_UNIT_M = 0.0564  # metres per CMU BVH length unit (1/0.45 x 2.54 cm)


@dataclass
class MocapClip:
    """Joint positions of a clip: [N, J, 3] metres, Z up."""

    name: str
    names: tuple[str, ...]
    parents: np.ndarray  # int [J], -1 for the root
    fps: float
    positions: np.ndarray  # float64 [N, J, 3]
    loop: bool = False

    def index(self, name: str) -> int:
        return self.names.index(name)

    @property
    def n_frames(self) -> int:
        return len(self.positions)

    def looped(self, duration_s: float) -> "MocapClip":
        """A cyclic clip repeated to at least `duration_s`, each cycle shifted horizontally by the root's
        displacement over one cycle (the last frame of a DeepMimic 'wrap' clip repeats the first pose)."""
        pos = self.positions
        cyc = pos[:-1]
        shift = pos[-1, 0] - pos[0, 0]
        shift[2] = 0.0
        n = int(np.ceil(duration_s * self.fps / len(cyc))) + 1
        out = np.concatenate([cyc + k * shift for k in range(n)], 0)
        return MocapClip(self.name, self.names, self.parents, self.fps, out, False)


def _yup_to_zup(p: np.ndarray) -> np.ndarray:
    return np.stack([p[..., 0], -p[..., 2], p[..., 1]], -1)


def _quat_to_mat(q: np.ndarray) -> np.ndarray:
    """(w, x, y, z) [..., 4] -> rotation matrices [..., 3, 3] (normalised first)."""
    q = q / np.maximum(np.linalg.norm(q, axis=-1, keepdims=True), 1e-12)
    w, x, y, z = np.moveaxis(q, -1, 0)
    return np.stack([
        np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)], -1),
        np.stack([2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)], -1),
        np.stack([2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)], -1)], -2)


def _axis_angle_mat(axis: int, ang: np.ndarray) -> np.ndarray:
    c, s = np.cos(ang), np.sin(ang)
    o, z = np.ones_like(ang), np.zeros_like(ang)
    if axis == 0:
        rows = [[o, z, z], [z, c, -s], [z, s, c]]
    elif axis == 1:
        rows = [[c, z, s], [z, o, z], [-s, z, c]]
    else:
        rows = [[c, -s, z], [s, c, z], [z, z, o]]
    return np.stack([np.stack(r, -1) for r in rows], -2)


def read_deepmimic(path: str | Path, skeleton_path: str | Path | None = None) -> MocapClip:
    """A DeepMimic humanoid3d clip: JSON `Frames` of 44 numbers (duration, root position, root quaternion, then
    the joints of `skeleton.json` `channel_order`: quaternions for spherical joints, one angle about local z for
    revolute ones). The skeleton file defaults to `skeleton.json` beside the clip."""
    path = Path(path)
    skeleton_path = Path(skeleton_path) if skeleton_path else path.with_name("skeleton.json")
    try:
        spec = json.loads(skeleton_path.read_text())
        joints = spec["joints"]
        order = spec["channel_order"]
        names = tuple(str(j["name"]) for j in joints)
        parents = np.array([int(j["parent"]) for j in joints], np.int64)
        offsets = np.array([j["offset"] for j in joints], np.float64)
        types = {str(j["name"]): str(j["type"]) for j in joints}
    except FileNotFoundError:
        raise InputError(skeleton_path, "DeepMimic skeleton file not found") from None
    except (ValueError, KeyError, TypeError) as e:
        raise InputError(skeleton_path, f"malformed DeepMimic skeleton: {e}",
                         expected="joints[name, parent, offset, type] and channel_order") from None
    try:
        data = json.loads(path.read_text())
        frames = data["Frames"]
    except FileNotFoundError:
        raise InputError(path, "mocap clip not found") from None
    except (ValueError, KeyError, TypeError) as e:
        raise InputError(path, f"not a DeepMimic clip: {e}", expected="JSON with a 'Frames' list") from None
    width = 8 + sum(1 if types.get(n) == "revolute" else 4 for n in order)
    rows = []
    for k, fr in enumerate(frames):
        if not isinstance(fr, list) or len(fr) != width:
            raise InputError(path, f"frame {k} has {len(fr) if isinstance(fr, list) else 'no'} values",
                             column="Frames", expected=f"{width} numbers per frame")
        try:
            rows.append([float(v) for v in fr])
        except (TypeError, ValueError):
            raise InputError(path, f"frame {k} holds a non-number", column="Frames") from None
    if len(rows) < 2:
        raise InputError(path, "fewer than 2 frames", column="Frames")
    a = np.asarray(rows)
    if not np.isfinite(a).all():
        raise InputError(path, "non-finite value in Frames", column="Frames")
    dur = a[:, 0]
    fps = 1.0 / float(np.median(dur[dur > 0])) if (dur > 0).any() else 30.0
    N, J = len(a), len(names)
    local = np.tile(np.eye(3), (N, J, 1, 1))
    col = 8
    for n in order:
        j = names.index(n)
        if types[n] == "revolute":
            local[:, j] = _axis_angle_mat(2, a[:, col])
            col += 1
        else:
            local[:, j] = _quat_to_mat(a[:, col:col + 4])
            col += 4
    glob = np.zeros((N, J, 3, 3))
    pos = np.zeros((N, J, 3))
    for j in range(J):
        p = parents[j]
        if p < 0:
            glob[:, j] = _quat_to_mat(a[:, 4:8])
            pos[:, j] = a[:, 1:4]
        else:
            glob[:, j] = glob[:, p] @ local[:, j]
            pos[:, j] = pos[:, p] + np.einsum("nab,b->na", glob[:, p], offsets[j])
    return MocapClip(path.stem, names, parents, fps, _yup_to_zup(pos), str(data.get("Loop", "")) == "wrap")


def read_bvh(path: str | Path, *, unit_m: float = CMU_UNIT_M, skip_reference_frame: bool = True) -> MocapClip:
    """A BVH file (CMU conventions: Y up, Euler channels in the declared order). End sites are dropped.
    CMU frame 0 is a reference pose, skipped by default."""
    path = Path(path)
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise InputError(path, "BVH file not found") from None
    except UnicodeDecodeError:
        raise InputError(path, "not a text file", expected="a BVH file") from None
    lines = text.splitlines()
    if not lines or lines[0].strip() != "HIERARCHY":
        raise InputError(path, "does not start with HIERARCHY", line=1, expected="a BVH file")
    h = _bvh_hierarchy(path, lines)
    a, frame_time = _bvh_motion(path, lines, h)
    if skip_reference_frame and len(a) > 1:
        a = a[1:]
    pos = _bvh_positions(path, h, a, unit_m)
    return MocapClip(path.stem, tuple(h.names), np.asarray(h.parents, np.int64), 1.0 / frame_time, _yup_to_zup(pos))


@dataclass
class _BvhHierarchy:
    """The joints of a BVH HIERARCHY section (end sites dropped) and the line its MOTION section starts on."""

    names: list[str] = field(default_factory=list)
    parents: list[int] = field(default_factory=list)
    offsets: list[list[float]] = field(default_factory=list)
    channels: list[list[str]] = field(default_factory=list)
    motion_line: int | None = None  # 0-based index of the line after MOTION


def _bvh_hierarchy(path: Path, lines: list[str]) -> _BvhHierarchy:
    h = _BvhHierarchy()
    stack: list[int] = []
    in_end = False
    for i in range(1, len(lines)):
        tok = lines[i].split()
        if not tok:
            continue
        key = tok[0]
        try:
            if key in ("ROOT", "JOINT"):
                h.names.append(tok[1])
                h.parents.append(stack[-1] if stack else -1)
                h.offsets.append([0.0, 0.0, 0.0])
                h.channels.append([])
            elif key == "End":
                in_end = True
            elif key == "{":
                if not in_end:
                    stack.append(len(h.names) - 1)
            elif key == "}":
                if in_end:
                    in_end = False
                else:
                    stack.pop()
            elif key == "OFFSET" and not in_end:
                h.offsets[-1] = [float(v) for v in tok[1:4]]
            elif key == "CHANNELS":
                n = int(tok[1])
                h.channels[-1] = tok[2:2 + n]
                if len(h.channels[-1]) != n:
                    raise ValueError(f"CHANNELS declares {n} but lists {len(tok) - 2}")
            elif key == "MOTION":
                h.motion_line = i + 1
                break
        except (IndexError, ValueError) as e:
            raise InputError(path, f"malformed hierarchy: {e}", line=i + 1) from None
    if h.motion_line is None or not h.names:
        raise InputError(path, "no MOTION section or no joints", expected="HIERARCHY ... MOTION")
    return h


def _bvh_motion(path: Path, lines: list[str], h: _BvhHierarchy) -> tuple[np.ndarray, float]:
    """The channel values [frames, channels] of the MOTION section and the frame time (s)."""
    motion_line = h.motion_line
    try:
        n_frames = int(lines[motion_line].split(":")[1])
        frame_time = float(lines[motion_line + 1].split(":")[1])
    except (IndexError, ValueError):
        raise InputError(path, "bad 'Frames:' / 'Frame Time:' lines", line=motion_line + 1) from None
    n_ch = sum(len(c) for c in h.channels)
    data = []
    for k in range(n_frames):
        ln = motion_line + 2 + k
        if ln >= len(lines):
            raise InputError(path, f"{n_frames} frames declared but only {k} present", line=ln)
        vals = lines[ln].split()
        if len(vals) != n_ch:
            raise InputError(path, f"frame {k} has {len(vals)} values", line=ln + 1, expected=f"{n_ch} channels")
        try:
            data.append([float(v) for v in vals])
        except ValueError:
            raise InputError(path, f"frame {k} holds a non-number", line=ln + 1) from None
    return np.asarray(data), frame_time


def _bvh_positions(path: Path, h: _BvhHierarchy, a: np.ndarray, unit_m: float) -> np.ndarray:
    """Joint positions [frames, joints, 3] (metres, Y up) by forward kinematics of the channel values."""
    N, J = len(a), len(h.names)
    off = np.asarray(h.offsets) * unit_m
    glob = np.zeros((N, J, 3, 3))
    pos = np.zeros((N, J, 3))
    col = 0
    for j in range(J):
        rot = np.tile(np.eye(3), (N, 1, 1))
        trans = np.zeros((N, 3))
        for ch in h.channels[j]:
            v = a[:, col]
            col += 1
            axis = "XYZ".index(ch[0].upper())
            if ch.lower().endswith("position"):
                trans[:, axis] = v * unit_m
            elif ch.lower().endswith("rotation"):
                rot = rot @ _axis_angle_mat(axis, np.radians(v))
            else:
                raise InputError(path, f"unknown channel {ch!r} of joint {h.names[j]!r}")
        p = h.parents[j]
        if p < 0:
            glob[:, j] = rot
            pos[:, j] = off[j] + trans
        else:
            glob[:, j] = glob[:, p] @ rot
            pos[:, j] = pos[:, p] + np.einsum("nab,nb->na", glob[:, p], off[j] + trans)
    return pos


def clip_track_play(clip: MocapClip, *, rate: float = 10.0, noise_m: float = 0.0, seed: int = 0,
                    left_shoulder: str = "left_shoulder", right_shoulder: str = "right_shoulder",
                    origin_yd: tuple[float, float] = (20.0, 26.0), height_m: float | None = None):
    """A one-player Play whose 10 Hz track is what RFID would record of the clip: the shoulder midpoint
    (plus optional Gaussian noise), speed and direction from its displacement, orientation from the shoulder
    line. Used to check motion synthesised from a track against the real motion."""
    from .play import Play, PlayMeta, Roster

    pos = clip.positions
    step = max(1, int(round(clip.fps / rate)))
    k = np.arange(0, len(pos), step)
    ls, rs = pos[k, clip.index(left_shoulder)], pos[k, clip.index(right_shoulder)]
    mid = 0.5 * (ls + rs)[:, :2]
    rng = np.random.default_rng(seed)
    if noise_m:
        mid = mid + rng.normal(0, noise_m, mid.shape)
    yd = (mid - mid[0]) / YARD + np.asarray(origin_yd)
    t = k / clip.fps
    vx, vy = np.gradient(yd[:, 0], t), np.gradient(yd[:, 1], t)
    lv = (ls - rs)[:, :2]
    fwd = np.stack([lv[:, 1], -lv[:, 0]], -1)
    o = np.degrees(np.arctan2(fwd[:, 0], fwd[:, 1])) % 360
    col = lambda a: np.asarray(a, np.float32)[:, None]  # noqa: E731
    roster = Roster.empty(1)
    roster.nfl_id[0] = 1
    roster.position[0] = "WR"
    roster.side[0] = "off"
    if height_m is not None:
        roster.height_m[0] = height_m
    s = np.hypot(vx, vy)
    meta = PlayMeta(game_id=0, play_id=0, source_format="mocap", play_type="other", description=clip.name)
    return Play(meta=meta, roster=roster, frame_id=np.arange(1, len(k) + 1, dtype=np.int32), t=t.astype(np.float64),
                x=col(yd[:, 0]), y=col(yd[:, 1]), s=col(s), a=col(np.gradient(s, t)), o=col(o),
                dir=col(np.degrees(np.arctan2(vx, vy)) % 360), ball_t=t.astype(np.float64),
                ball_x=np.full(len(k), np.nan, np.float32), ball_y=np.full(len(k), np.nan, np.float32), events=[])
