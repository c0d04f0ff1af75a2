"""Full-body motion synthesised from the 2D track alone (no pose data), deterministic.

Per player and internal frame (vectorised over all frames and players): a trunk frame from facing, speed and
acceleration (forward lean ~ atan(a_fwd/g), cornering lean ~ atan(a_lat/g)); a gait phase advanced at a step
rate f(v); feet locked to plant
points on the ground during stance and swung on an arc between plants (modes forward/backpedal/shuffle come
out of where the plants fall relative to the facing); the pelvis lowered so the stance leg reaches the ground;
two-bone IK for legs and arms. Pre-snap stances by position, get-off at the snap, the ball carried in the right
hand, and the QB's throw timed so the hand is at its release point at pass_forward. The shoulder-pad midpoint
(the RFID tag point) is placed exactly on the track.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.interpolate import PchipInterpolator
from scipy.ndimage import minimum_filter1d

from . import synthesis_params as prm
from .ball_flight import BallPlan
from .errors import InputError
from .field_frame import YARD
from .play import Play
from .skeleton import Skeleton
from .timebase import sample_tracks, unwrap_deg

STANCES = prm.STANCES
THROW_FADE = prm.THROW_FADE

THROW_PATH = Path(__file__).resolve().parent.parent / "assets" / "throw.json"


@lru_cache(maxsize=2)
def throw_keys(path: str = str(THROW_PATH)) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The throwing motion: key times (s from the release) and right/left wrist positions relative to their
    shoulders in the trunk frame (forward, left, up) / H, derived from a real overhand throw
    (tools/make_throw_keys.py, CMU trial 79_91)."""
    try:
        d = json.loads(Path(path).read_text())
        t = np.asarray(d["t"], np.float64)
        r = np.asarray(d["right_wrist"], np.float64)
        left = np.asarray(d["left_wrist"], np.float64)
    except FileNotFoundError:
        raise InputError(path, "throwing-motion keys not found") from None
    except (ValueError, KeyError, TypeError) as e:
        raise InputError(path, f"malformed throwing-motion keys: {e}", expected="t, right_wrist, left_wrist") from None
    if r.shape != (len(t), 3) or left.shape != (len(t), 3) or len(t) < 2 or np.any(np.diff(t) <= 0) \
            or not (t[0] < 0 <= t[-1]):
        raise InputError(path, "keys must be increasing times around 0 with one [3] wrist position each")
    return t, r, left


def smoothstep(x: np.ndarray, e0: float, e1: float) -> np.ndarray:
    u = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return u * u * (3 - 2 * u)


def moving_average(a: np.ndarray, n: int) -> np.ndarray:
    """Centred moving average over `n` samples along axis 0, edges padded by repetition."""
    if n <= 1 or len(a) < 2:
        return a
    h = n // 2
    pad = np.concatenate([np.repeat(a[:1], h, 0), a, np.repeat(a[-1:], n - 1 - h, 0)], 0)
    c = np.cumsum(pad, axis=0, dtype=np.float64)
    c = np.concatenate([np.zeros_like(c[:1]), c], 0)
    return (c[n:] - c[:-n]) / n


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(n, 1e-9)


def two_bone_ik(a: np.ndarray, target: np.ndarray, l1: np.ndarray, l2: np.ndarray, pole: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """Middle and end joint of a two-bone chain from `a` toward `target`, bending toward `pole`.
    Bone lengths are exact; an unreachable target is approached along the straight chain."""
    l1 = l1[..., None] if np.ndim(l1) == a.ndim - 1 else l1
    l2 = l2[..., None] if np.ndim(l2) == a.ndim - 1 else l2
    d_vec = target - a
    dist = np.linalg.norm(d_vec, axis=-1, keepdims=True)
    u = d_vec / np.maximum(dist, 1e-9)
    d = np.clip(dist, np.abs(l1 - l2) + 1e-4 * l1, (l1 + l2) * 0.9999)
    cos_a = np.clip((l1 * l1 + d * d - l2 * l2) / (2 * l1 * d), -1.0, 1.0)
    sin_a = np.sqrt(1.0 - cos_a * cos_a)
    w = pole - np.sum(pole * u, -1, keepdims=True) * u
    w = _unit(w)
    mid = a + l1 * (cos_a * u + sin_a * w)
    end = a + d * u
    return mid, end


def _frame(f: np.ndarray, left: np.ndarray, pitch: np.ndarray, roll: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Trunk axes (forward, left, up) [..., 3] from horizontal facing axes, forward pitch and sideways roll (rad)."""
    z = np.zeros(f.shape[:-1] + (1,))
    f3 = np.concatenate([f, z], -1)
    l3 = np.concatenate([left, z], -1)
    up = np.sin(pitch)[..., None] * f3 + np.sin(roll)[..., None] * l3
    up[..., 2] += np.cos(pitch) * np.cos(roll)
    up = _unit(up)
    fw = _unit(f3 - np.sum(f3 * up, -1, keepdims=True) * up)
    lf = np.cross(up, fw)
    return fw, lf, up


def _apply(axes: tuple[np.ndarray, np.ndarray, np.ndarray], v: np.ndarray) -> np.ndarray:
    """Body-frame vector(s) v [..., 3] (forward, left, up) -> world, broadcasting over the frame arrays."""
    fw, lf, up = axes
    return v[..., 0:1] * fw + v[..., 1:2] * lf + v[..., 2:3] * up


def interp_columns(x: np.ndarray, xp: np.ndarray, fp: np.ndarray) -> np.ndarray:
    """`np.interp(x[:, p], xp[:, p], fp[:, p])` for every column p at once, with np.interp's arithmetic
    (same results to the last bit). `x` [N, P]; `xp` [M] shared or [M, P] increasing per column; `fp` [M, P] or
    [M, P, C]. Outside `xp` the end values are held."""
    M = len(xp)
    cols = np.arange(x.shape[1])[None, :]
    if xp.ndim == 1:
        j = np.searchsorted(xp, x, side="right") - 1
        x_lo, x_hi = xp[0], xp[-1]
        at = lambda a, k: a[k]  # noqa: E731
    else:
        j = _search_columns(xp, x)
        x_lo, x_hi = xp[0][None, :], xp[-1][None, :]
        at = lambda a, k: a[k, cols]  # noqa: E731
    jj = np.clip(j, 0, M - 2)
    x0, x1 = at(xp, jj), at(xp, jj + 1)
    y0, y1 = fp[jj, cols], fp[jj + 1, cols]
    if fp.ndim == 3:
        x, x0, x1 = x[..., None], x0[..., None], x1[..., None]
        x_lo, x_hi = np.asarray(x_lo)[..., None], np.asarray(x_hi)[..., None]
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = (y1 - y0) / (x1 - x0)
        out = slope * (x - x0) + y0
        bad = np.isnan(out)
        if bad.any():  # np.interp: a NaN one way is tried the other way, then a flat segment
            alt = slope * (x - x1) + y1
            alt = np.where(np.isnan(alt) & (y0 == y1), y0, alt)
            out = np.where(bad, alt, out)
    out = np.where(x == x0, y0, out)
    out = np.where(x < x_lo, fp[0][None], out)
    out = np.where(x >= x_hi, fp[-1][None], out)
    return np.where(np.isnan(x), x, out)


def _search_columns(xp: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Per column p, the index j with xp[j, p] <= x[i, p] < xp[j + 1, p] (-1 below the first): a binary search
    run on all columns at once."""
    M = len(xp)
    cols = np.arange(x.shape[1])[None, :]
    lo = np.zeros(x.shape, np.int64)
    hi = np.full(x.shape, M, np.int64)
    for _ in range(int(M).bit_length() + 1):
        mid = (lo + hi) // 2
        go = xp[np.minimum(mid, M - 1), cols] <= x
        active = lo < hi
        lo = np.where(active & go, mid + 1, lo)
        hi = np.where(active & ~go, mid, hi)
    return lo - 1


def stance_types(play: Play) -> np.ndarray:
    """Pre-snap stance per player (index into STANCES): linemen and TEs three-point, backs, receivers and
    linebackers two-point, the QB in shotgun or under centre from his depth behind the ball at the snap."""
    pos = np.array([str(p).upper() for p in play.roster.position])
    st = np.zeros(len(pos), np.int64)
    st[np.isin(pos, list(prm.TWO_POINT))] = 1
    st[np.isin(pos, list(prm.THREE_POINT))] = 2
    snap = play.frame_at(0.0)
    los = play.meta.los_x
    if los is None:
        bx = play.ball_x[np.isfinite(play.ball_x)]
        los = float(bx[0]) if len(bx) else None
    qbs = np.flatnonzero(pos == "QB")
    qx = play.x[snap, qbs].astype(np.float64)
    depth = (los - qx) if los is not None else np.full(len(qbs), np.nan)
    depth = np.where(np.isfinite(qx) & (los is not None), depth, prm.QB_DEPTH_UNKNOWN)
    st[qbs] = np.where(depth < prm.SHOTGUN_DEPTH, 4, 3)
    return st


def synthesize(play: Play, times: np.ndarray, skel: Skeleton, heights: np.ndarray, plan: BallPlan) -> np.ndarray:
    """Joint positions float32 [T, P, J, 3] (metres, world frame) at `times` (uniform, s from the snap)."""
    return np.moveaxis(synthesize_joint_major(play, times, skel, heights, plan), 0, 2)


class _Body:
    """What every step of the synthesis shares: the time grid, the skeleton scaled per player, the track."""

    def __init__(self, play: Play, times: np.ndarray, skel: Skeleton, heights: np.ndarray):
        self.play, self.skel = play, skel
        self.times = np.asarray(times, np.float64)
        self.T, self.P = len(self.times), play.n_players
        self.dt = float(self.times[1] - self.times[0]) if self.T > 1 else 1.0 / 60
        self.per_s = max(1, int(round(1.0 / self.dt)))
        self.H = np.asarray(heights, np.float64)[None, :]  # [1, P]
        self.L = skel.length.astype(np.float64)
        self.J = skel.index

    def window(self, per_second: int) -> int:
        """Samples in a window of 1/per_second s (at least one)."""
        return max(1, self.per_s // per_second)

    def bone(self, name: str, axes) -> np.ndarray:
        """The rest offset of joint `name` from its parent in the frame `axes`, scaled per player [T, P, 3]."""
        j = self.J(name)
        return _apply(axes, self.skel.rest[j].astype(np.float64)) * (self.L[j] * self.H)[..., None]

    def length(self, name: str) -> np.ndarray:
        """Length of the bone ending at `name`, per player [1, P] (metres)."""
        return self.L[self.J(name)] * self.H


def synthesize_joint_major(play: Play, times: np.ndarray, skel: Skeleton, heights: np.ndarray, plan: BallPlan
                           ) -> np.ndarray:
    """As `synthesize` but joint-major float32 [J, T, P, 3], contiguous: cheaper to build and to decompose."""
    b = _Body(play, times, skel, heights)
    k = _kinematics(b)
    g = _gait(b, k)
    st = stance_types(play)
    sp = prm.STANCE_PARAMS[st]  # [P, 4]
    w_st = _stance_weight(b, k["v"])
    trunk, head, yaw, crouch = _trunk(b, k, g, sp, w_st)
    # upper body relative to the root, then the root placed so the shoulder midpoint is on the track
    spine = b.bone("spine_mid", trunk)
    neck = spine + b.bone("neck", trunk)
    l_sh = neck + b.bone("l_shoulder", trunk)
    r_sh = neck + b.bone("r_shoulder", trunk)
    root_xy = k["tag"] - 0.5 * (l_sh + r_sh)[..., :2]
    feet, lifts, landing = _feet(b, k, g, sp, w_st, root_xy)
    foot_idx = {side: [b.J(f"{side}_heel"), b.J(f"{side}_big_toe"), b.J(f"{side}_small_toe")] for side in "lr"}
    drop = max(float(-(skel.rest[j, 2] * b.L[j])) for j in foot_idx["l"] + foot_idx["r"])  # / H
    ankle_z0 = drop * b.H + prm.ANKLE_CLEARANCE
    z_root = _pelvis_height(b, k, crouch, w_st, root_xy, feet, lifts, landing, ankle_z0)

    root = np.concatenate([root_xy, z_root[..., None]], -1)
    out: dict[int, np.ndarray] = {}  # joint index -> [T, P, 3]; stacked once at the end (strided writes are slow)
    out[b.J("mid_hip")] = root
    out[b.J("spine_mid")] = root + spine
    out[b.J("neck")] = root + neck
    for name in ("head_top", "nose", "l_eye", "r_eye", "l_ear", "r_ear"):
        out[b.J(name)] = root + neck + b.bone(name, head)
    out[b.J("l_shoulder")] = root + l_sh
    out[b.J("r_shoulder")] = root + r_sh
    _legs(b, out, root, yaw, feet, lifts, ankle_z0, foot_idx)
    _arms(b, out, k, g, st, w_st, trunk, yaw, root, plan)
    return np.stack([out[j] for j in range(skel.n_joints)], axis=0, dtype=np.float32)


def _kinematics(b: _Body) -> dict[str, np.ndarray]:
    """Tag point, smoothed velocity, acceleration, speed, facing (angle, axes) and turn rate, metres [T, P]."""
    tr = sample_tracks(b.play, b.times)
    tag = np.stack([tr.x, tr.y], -1) * YARD
    vel = moving_average(np.stack([tr.vx, tr.vy], -1) * YARD, b.window(prm.VELOCITY_WINDOW))
    acc = moving_average(np.stack([tr.ax, tr.ay], -1) * YARD, b.window(prm.ACCELERATION_WINDOW))
    v = np.linalg.norm(vel, axis=-1)
    psi = np.radians(moving_average(unwrap_deg(tr.o), b.window(prm.FACING_WINDOW)))
    f = np.stack([np.sin(psi), np.cos(psi)], -1)
    lft = np.stack([-f[..., 1], f[..., 0]], -1)
    omega = np.abs(np.gradient(psi, b.dt, axis=0)) if b.T > 1 else np.zeros_like(psi)
    return {"tag": tag, "vel": vel, "acc": acc, "v": v, "f": f, "lft": lft, "omega": omega}


def _gait(b: _Body, k: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Mode weights (forward / backpedal / shuffle from facing vs heading), gait phase in strides, duty factor."""
    v = k["v"]
    hv = k["vel"] / np.maximum(v, 1e-6)[..., None]
    cosd = np.sum(k["f"] * hv, -1)
    moving = smoothstep(v, *prm.MOVING_SPEED)
    e0, e1 = np.cos(np.radians(prm.MODE_BLEND_DEG[0])), np.cos(np.radians(prm.MODE_BLEND_DEG[1]))
    w_fwd = smoothstep(cosd, e0, e1)
    w_back = smoothstep(-cosd, e0, e1)
    w_side = np.clip(1 - w_fwd - w_back, 0, 1)
    w_fwd_m = 1 - moving * (1 - w_fwd)  # standing counts as forward
    # step rate from speed; turning in place also steps
    v_eff = v + prm.TURN_STEPS_PER_RAD * k["omega"]
    rate = np.interp(v_eff, prm.RATE_SPEED, prm.RATE_STEPS)
    phase = np.cumsum(rate * (1 / prm.STEPS_PER_STRIDE) * b.dt, axis=0) + prm.PHASE_EPSILON * np.arange(b.T)[:, None]
    duty = np.interp(v, prm.DUTY_SPEED, prm.DUTY_SHARE)
    return {"moving": moving, "w_back": w_back, "w_side": w_side, "w_fwd_m": w_fwd_m, "phase": phase, "duty": duty}


def _stance_weight(b: _Body, v: np.ndarray) -> np.ndarray:
    """How much each player is in his pre-snap stance [T, P]: set before the snap, left at the snap (get-off)."""
    if b.play.meta.play_type == "kickoff":
        return np.zeros((b.T, b.P))
    still = 1 - smoothstep(moving_average(v, b.window(prm.STILL_WINDOW)), *prm.STILL_SPEED)
    window = smoothstep(b.times, *prm.SET_TIME) * (1 - smoothstep(b.times, *prm.GET_OFF_TIME))
    return window[:, None] * still


def _trunk(b: _Body, k: dict[str, np.ndarray], g: dict[str, np.ndarray], sp: np.ndarray, w_st: np.ndarray):
    """Trunk, head and yaw-only frames and the pelvis crouch: leans from acceleration and turning, stance pitch."""
    v, f, lft, moving = k["v"], k["f"], k["lft"], g["moving"]
    a_f = np.sum(k["acc"] * f, -1)
    a_l = np.sum(k["acc"] * lft, -1)
    pitch_g = (g["w_fwd_m"] * np.interp(v, prm.UPRIGHT_PITCH_SPEED, prm.UPRIGHT_PITCH_DEG)
               + moving * (g["w_back"] * prm.BACKPEDAL_PITCH_DEG + g["w_side"] * prm.SHUFFLE_PITCH_DEG)
               + prm.ACCEL_LEAN_GAIN * np.degrees(np.arctan(np.clip(a_f, *prm.FORWARD_ACCEL_CLIP) / prm.G)))
    pitch = np.radians((1 - w_st) * pitch_g + w_st * sp[None, :, 1])
    roll = (1 - w_st) * np.arctan(np.clip(a_l, *prm.LATERAL_ACCEL_CLIP) / prm.G)
    crouch = (1 - w_st) * (np.interp(v, prm.CROUCH_SPEED, prm.CROUCH)
                           + moving * (g["w_back"] + g["w_side"]) * prm.CROUCH_BACK_SIDE) + w_st * sp[None, :, 0]
    trunk = _frame(f, lft, pitch, roll)
    head = _frame(f, lft, prm.HEAD_PITCH_SHARE * pitch, prm.HEAD_ROLL_SHARE * roll)
    yaw = _frame(f, lft, np.zeros_like(pitch), np.zeros_like(pitch))
    return trunk, head, yaw, crouch


def _feet(b: _Body, k: dict[str, np.ndarray], g: dict[str, np.ndarray], sp: np.ndarray, w_st: np.ndarray,
          root_xy: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Per foot: ground position [T, P, 2], lift [T, P] and whether it is planted or landing [T, P]. Plants at
    the root's position at mid-stance, swing arcs between plants, stance spots before the snap."""
    v, lft, phase, duty, H = k["v"], k["lft"], g["phase"], g["duty"], b.H
    width_g = np.interp(v, prm.FOOT_WIDTH_SPEED, prm.FOOT_WIDTH)
    side_offset = (width_g * H[0])[..., None] * lft  # [T, P, 2] from the centre line to a foot, per unit side
    feet, lifts, landing = {}, {}, {}
    for side, sgn in (("l", +1.0), ("r", -1.0)):
        off = prm.FOOT_PHASE[side]
        stag = sp[:, 3] * (0.5 if sgn > 0 else -0.5)
        stance_foot = root_xy + k["f"] * (stag * H[0])[None, :, None] + lft * (sgn * sp[:, 2] * H[0])[None, :, None]
        u = phase + off
        m = np.round(u)
        rel = u - m
        half = duty / 2
        ahead = rel >= half
        behind = rel <= -half
        s = np.where(ahead, (rel - half) / (1 - duty), np.where(behind, (rel + 1 - half) / (1 - duty), 0.0))
        s = np.clip(s, 0, 1)
        plant_at = _plants(b, m, off, phase, root_xy, side_offset, sgn)
        pa = plant_at(np.where(behind, m - 1, m))
        pb = plant_at(np.where(ahead, m + 1, m))
        # the foot clears the turf quickly and travels mostly while high (smootherstep along, sqrt-sine up)
        ss = s * s * s * (s * (6 * s - 15) + 10)
        gait = pa + (pb - pa) * ss[..., None]
        lift = np.interp(v, prm.SWING_LIFT_SPEED, prm.SWING_LIFT) * (H / prm.REFERENCE_HEIGHT) \
            * np.sqrt(np.sin(np.pi * s))
        feet[side] = gait * (1 - w_st)[..., None] + stance_foot * w_st[..., None]
        lifts[side] = lift * (1 - w_st)
        landing[side] = (s == 0) | (s > prm.LANDING_SWING)
        _get_off_feet(feet[side], lifts[side], stance_foot, gait, pb, s, ss, lift, w_st, b.times,
                      prm.FIRST_STEP_LIFT_CAP * H[0] / prm.REFERENCE_HEIGHT)
    return feet, lifts, landing


def _plants(b: _Body, m: np.ndarray, off: float, phase: np.ndarray, root_xy: np.ndarray, side_offset: np.ndarray,
            sgn: float):
    """Where a foot plants, as a function of plant numbers [T, P] -> ground points [T, P, 2]: the root's ground
    point at the time the gait phase reaches the plant, offset sideways by the step width. Computed once per
    plant number and player (all players at once), then looked up per frame."""
    finite = np.isfinite(m)
    lo = int(np.min(m[finite])) - 1 if finite.any() else 0
    hi = int(np.max(m[finite])) + 1 if finite.any() else 0
    numbers = np.broadcast_to(np.arange(lo, hi + 1, dtype=np.float64)[:, None], (hi - lo + 1, m.shape[1]))
    tq = interp_columns(numbers - off, phase, np.broadcast_to(b.times[:, None], phase.shape))
    table = interp_columns(tq, b.times, root_xy) + sgn * interp_columns(tq, b.times, side_offset)
    cols = np.arange(m.shape[1])[None, :]

    def plant_at(n: np.ndarray) -> np.ndarray:
        ok = np.isfinite(n)
        got = table[np.where(ok, n, lo).astype(np.int64) - lo, cols]
        return np.where(ok[..., None], got, np.nan)
    return plant_at


def _pelvis_height(b: _Body, k: dict[str, np.ndarray], crouch: np.ndarray, w_st: np.ndarray, root_xy: np.ndarray,
                   feet: dict[str, np.ndarray], lifts: dict[str, np.ndarray], landing: dict[str, np.ndarray],
                   ankle_z0: np.ndarray) -> np.ndarray:
    """Pelvis height [T, P]: nominal crouch, lowered so that the legs reach the planted feet, smoothed a little."""
    H = b.H
    leg = (b.L[b.J("l_knee")] + b.L[b.J("l_ankle")]) * H
    hip_off = b.L[b.J("l_hip")] * H
    z_root = H * (b.skel.root_height - crouch)
    for side, sgn in (("l", +1.0), ("r", -1.0)):
        hip_xy = root_xy + k["lft"] * (sgn * hip_off)[..., None]
        dxy = np.linalg.norm(feet[side] - hip_xy, axis=-1)
        reach = ankle_z0 + lifts[side] + np.sqrt(np.maximum((prm.LEG_REACH * leg) ** 2 - dxy ** 2, 0.0))
        # a foot on the turf (or about to land) holds the pelvis down; earlier in its swing a foot out of reach
        # trails on a straight leg
        z_root = np.minimum(z_root, np.where(landing[side], reach, np.inf))
    n_sm = b.window(prm.PELVIS_WINDOW)
    # no splits: out of a stance the pelvis stays above the floor even if a far plant then slides a little
    floor = H * (prm.PELVIS_FLOOR - prm.STANCE_FLOOR_DROP * w_st)
    return np.maximum(moving_average(minimum_filter1d(z_root, n_sm, axis=0), n_sm), floor)


def _legs(b: _Body, out: dict[int, np.ndarray], root: np.ndarray, yaw, feet: dict[str, np.ndarray],
          lifts: dict[str, np.ndarray], ankle_z0: np.ndarray, foot_idx: dict[str, list[int]]) -> None:
    """Hips, knees and ankles by two-bone IK to the feet; heel and toes from the ankle."""
    for side, sgn in (("l", +1.0), ("r", -1.0)):
        hip = root + b.bone(f"{side}_hip", yaw)
        tgt = np.concatenate([feet[side], (ankle_z0 + lifts[side])[..., None]], -1)
        pole = yaw[0] + prm.KNEE_POLE_SIDE * sgn * yaw[1]
        knee, ankle = two_bone_ik(hip, tgt, b.length(f"{side}_knee"), b.length(f"{side}_ankle"), pole)
        out[b.J(f"{side}_hip")] = hip
        out[b.J(f"{side}_knee")] = knee
        out[b.J(f"{side}_ankle")] = ankle
        for j in foot_idx[side]:
            out[j] = ankle + b.bone(b.skel.names[j], yaw)


def _arms(b: _Body, out: dict[int, np.ndarray], k: dict[str, np.ndarray], g: dict[str, np.ndarray], st: np.ndarray,
          w_st: np.ndarray, trunk, yaw, root: np.ndarray, plan: BallPlan) -> None:
    """Elbows, wrists and hands: gait swing, stance, holding the ball, the throw as wrist targets, then IK."""
    v, H, w_fwd_m, phase = k["v"], b.H, g["w_fwd_m"], g["phase"]
    arm_u, arm_f = b.length("l_elbow"), b.length("l_wrist")
    amp = np.interp(v, prm.ARM_SWING_SPEED, prm.ARM_SWING) \
        * (w_fwd_m + prm.ARM_SWING_NOT_FORWARD * (1 - w_fwd_m))
    bend = (np.interp(v, prm.ELBOW_BEND_SPEED, prm.ELBOW_BEND) * w_fwd_m
            + prm.ELBOW_BEND_NOT_FORWARD * (1 - w_fwd_m))
    swing = amp * np.cos(2 * np.pi * (phase + g["duty"] / 2))  # right arm forward when the left leg is
    holding = moving_average((plan.holder[:, None] == np.arange(b.P)[None, :]).astype(np.float64),
                             b.window(prm.HOLD_WINDOW))
    for side, sgn in (("l", +1.0), ("r", -1.0)):
        sh = out[b.J(f"{side}_shoulder")]
        th = swing * (-1 if sgn > 0 else 1)
        d_up = np.stack([np.sin(th), np.full_like(th, prm.UPPER_ARM_OUT * sgn), -np.cos(th)], -1)
        d_fo = np.stack([np.sin(th + bend), np.full_like(th, prm.FOREARM_OUT * sgn), -np.cos(th + bend)], -1)
        rel = _unit(d_up) * arm_u[..., None] + _unit(d_fo) * arm_f[..., None]
        gait_t = sh + _apply(trunk, rel / H[..., None]) * H[..., None]
        stance_t = _stance_wrist(side, sgn, st, sh, out[b.J(f"{side}_knee")], trunk, yaw, k["tag"], root, H,
                                 plan, b.play)
        tgt = gait_t + (stance_t - gait_t) * w_st[..., None]
        if side == "r":
            hold_t = sh + _apply(trunk, np.broadcast_to(prm.HOLD_R, tgt.shape)) * H[..., None]
            tgt = tgt + (hold_t - tgt) * holding[..., None]
        tgt = _throw(side, tgt, sh, trunk, H, b.times, plan, holding)
        fw_w, up_w, side_w = prm.ELBOW_POLE
        pole = fw_w * trunk[0] + up_w * trunk[2] + side_w * sgn * trunk[1]
        elbow, wrist = two_bone_ik(sh, tgt, arm_u, arm_f, pole)
        out[b.J(f"{side}_elbow")] = elbow
        out[b.J(f"{side}_wrist")] = wrist
        out[b.J(f"{side}_hand")] = wrist + _unit(wrist - elbow) * b.length(f"{side}_hand")[..., None]


def _get_off_feet(feet: np.ndarray, lifts: np.ndarray, spot: np.ndarray, gait: np.ndarray, pb: np.ndarray,
                  s: np.ndarray, ss: np.ndarray, lift: np.ndarray, w_st: np.ndarray, times: np.ndarray,
                  lift_cap: np.ndarray) -> None:
    """After the snap, a player set in his stance keeps each foot on its stance spot until that foot's first
    swing, which then carries it to the gait's next plant: no sliding from stance to gait (in place, all set
    players at once)."""
    T = len(times)
    i0 = int(np.searchsorted(times, 0.0))
    if i0 >= T:
        return
    sel = np.flatnonzero(w_st[i0] > prm.SET_IN_STANCE)
    if not len(sel):
        return
    swing = s[:, sel] > 0
    idx = np.arange(T)[:, None]
    after = swing & (idx >= i0)
    k0 = np.where(after.any(0), np.argmax(after, 0), T)  # first swing after the snap (T: none)
    rest = ~swing & (idx >= k0)
    k1 = np.where(rest.any(0), np.argmax(rest, 0), T)  # the swing's end
    end = int(k1.max())  # from here on every set player is on the gait: no blending
    feet[end:, sel] = gait[end:, sel]
    lifts[end:, sel] = lift[end:, sel]
    w = slice(i0, end)
    idx = idx[w]
    hold, first, later = (idx < k0), (idx >= k0) & (idx < k1), idx >= k1
    sp = spot[i0, sel][None]  # [1, n, 2]
    pb_, s_ = pb[w][:, sel], s[w][:, sel]
    step = sp + (pb_ - sp) * ss[w][:, sel, None]
    # the first step out of the stance can be long while the speed is still low: lift with its length
    reach = np.linalg.norm(pb_ - sp, axis=-1)
    arc = np.sqrt(np.sin(np.pi * s_))
    lift_w = lift[w][:, sel]
    step_lift = np.maximum(lift_w, np.minimum(prm.FIRST_STEP_LIFT_PER_M * reach, lift_cap[sel]) * arc)
    feet[w, sel] = np.where(hold[..., None], sp, np.where(first[..., None], step,
                                                          np.where(later[..., None], gait[w][:, sel],
                                                                   feet[w][:, sel])))
    lifts[w, sel] = np.where(hold, 0.0, np.where(first, step_lift, np.where(later, lift_w, lifts[w][:, sel])))


def _stance_wrist(side: str, sgn: float, st: np.ndarray, sh: np.ndarray, knee: np.ndarray, trunk, yaw,
                  tag: np.ndarray, root: np.ndarray, H: np.ndarray, plan: BallPlan, play: Play) -> np.ndarray:
    """Wrist targets of the pre-snap stances [T, P, 3]."""
    fwd, out, up = prm.UPRIGHT_WRIST
    tgt = sh + _apply(trunk, np.array([fwd, out * sgn, up])) * H[..., None]  # upright: arms hang
    # two-point: hands above the knees
    ahead, above = prm.TWO_POINT_HANDS
    hk = knee + yaw[0] * (ahead * H)[..., None] + np.array([0, 0, 1.0]) * (above * H)[..., None]
    tgt = np.where((st == 1)[None, :, None], hk, tgt)
    # three-point: the right hand on the turf ahead of the shoulder (the centre's on the ball), left on the knee
    if side == "r":
        ahead, height = prm.THREE_POINT_HAND
        down = sh + yaw[0] * (ahead * H)[..., None]
        down[..., 2] = height * H
        pos = np.array([str(p).upper() for p in play.roster.position])
        centre = np.flatnonzero(pos == "C")
        if len(centre) and np.isfinite(plan.track_x).any():
            ball = np.stack([plan.track_x * YARD, plan.track_y * YARD], -1)
            ok = np.flatnonzero(np.isfinite(ball).all(-1))
            hand_m, hand_h = prm.SNAP_HAND_HEIGHT
            down[np.ix_(ok, centre, [0, 1])] = ball[ok][:, None, :]
            down[np.ix_(ok, centre, [2])] = (hand_m + hand_h * H[0, centre])[None, :, None]
        tgt = np.where((st == 2)[None, :, None], down, tgt)
    else:
        tgt = np.where((st == 2)[None, :, None], hk + np.array([0, 0, prm.LEFT_ON_KNEE]) * H[..., None], tgt)
    # shotgun: hands ready in front of the belly; under centre: hands forward under the centre
    fwd, out, up = prm.SHOTGUN_WRIST
    sg = sh + _apply(trunk, np.array([fwd, out * sgn, up])) * H[..., None]
    tgt = np.where((st == 3)[None, :, None], sg, tgt)
    ahead, aside = prm.UNDER_CENTRE_HANDS
    uc = np.concatenate([tag + yaw[0][..., :2] * (ahead * H)[..., None]
                         + yaw[1][..., :2] * (aside * sgn * H)[..., None], root[..., 2:3]], -1)
    tgt = np.where((st == 4)[None, :, None], uc, tgt)
    return tgt


def _throw(side: str, tgt: np.ndarray, sh: np.ndarray, trunk, H: np.ndarray, times: np.ndarray, plan: BallPlan,
           holding: np.ndarray) -> np.ndarray:
    """Blend the thrower's wrist target into the throwing keyframes around the release."""
    if plan.thrower is None or plan.t_release is None:
        return tgt
    p = plan.thrower
    key_times, key_r, key_l = throw_keys()
    rel_t = times - plan.t_release
    lead = prm.THROW_LEAD_IN
    win = (rel_t >= key_times[0] - lead) & (rel_t <= key_times[-1] + prm.THROW_FADE)
    if not win.any():
        return tgt
    keys = key_r if side == "r" else key_l
    curve = PchipInterpolator(key_times, keys, axis=0, extrapolate=False)
    rt = np.clip(rel_t[win], key_times[0], key_times[-1])
    local = curve(rt)  # [w, 3]
    axes = tuple(a[win, p] for a in trunk)
    key_t = sh[win, p] + _apply(axes, local) * H[0, p]
    w = np.ones(int(win.sum()))
    after = rel_t[win] - key_times[-1]
    w = np.where(after > 0, 1 - smoothstep(after, 0.0, prm.THROW_FADE), w)
    before = rel_t[win] - key_times[0]
    if side == "l":  # the guide hand joins the ball in the pre-release hold
        w = np.where(before < 0, np.maximum(holding[win, p], smoothstep(before, -lead, 0.0)), w)
    else:
        w = np.where(before < 0, smoothstep(before, -lead, 0.0), w)
    out = tgt.copy()
    out[win, p] = tgt[win, p] + (key_t - tgt[win, p]) * w[:, None]
    if side == "l":
        hold_t = sh[:, p] + _apply(tuple(a[:, p] for a in trunk), prm.HOLD_L) * H[0, p]
        pre = (times < plan.t_release + key_times[0]) & (times >= 0)
        hw = holding[pre, p][:, None]
        out[pre, p] = out[pre, p] + (hold_t[pre] - out[pre, p]) * hw
    return out
