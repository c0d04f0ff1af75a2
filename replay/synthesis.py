"""Full-body motion synthesised from the 2D track alone (no pose data), deterministic.

Per player and internal frame (vectorised over all frames and players): a trunk frame from facing, speed and
acceleration (forward lean ~ atan(a_fwd/g), cornering lean ~ atan(a_lat/g)); a gait phase advanced at a step
rate f(v) (research-notes §3: 1.58 steps/s at 0.98 m/s, ~2.4 at 2.8-3.5 m/s, up to ~3); feet locked to plant
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

from .ball_flight import BallPlan
from .errors import InputError
from .field_frame import YARD
from .play import Play
from .skeleton import Skeleton
from .timebase import sample_tracks, unwrap_deg

G = 9.81

# step rate (steps/s) against speed (m/s): the measured gait points up to 3.5 m/s; faster, steps quicken
# rather than lengthen (football sprinting ~4 steps/s at 8-9 m/s), which keeps steps within leg reach
_RATE_V = np.array([0.0, 0.25, 0.98, 2.8, 3.56, 6.0, 8.0, 10.0])
_RATE_F = np.array([0.0, 1.0, 1.58, 2.35, 2.45, 3.0, 3.6, 4.2])
# share of a stride a foot is on the ground
_DUTY_V = np.array([1.0, 2.5, 4.0, 8.0])
_DUTY_D = np.array([0.62, 0.42, 0.33, 0.22])

STANCES = ("upright", "two_point", "three_point", "shotgun", "under_centre")
#                          crouch/H pitch deg width/H stagger/H
_STANCE_PARAMS = np.array([[0.010, 4.0, 0.075, 0.00],
                           [0.070, 30.0, 0.10, 0.10],
                           [0.130, 80.0, 0.10, 0.12],
                           [0.040, 14.0, 0.11, 0.00],
                           [0.120, 32.0, 0.11, 0.00]])
_THREE_POINT = {"T", "OT", "LT", "RT", "G", "OG", "LG", "RG", "C", "OL", "DE", "DT", "NT", "DL", "TE"}
_TWO_POINT = {"WR", "CB", "DB", "FS", "SS", "S", "SAF", "RB", "HB", "FB", "OLB", "ILB", "MLB", "LB"}

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


_HOLD_R = np.array([0.14, 0.05, -0.22])
_HOLD_L = np.array([0.15, -0.07, -0.20])
THROW_FADE = 0.4  # s after the last key to return to the gait arms


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


def stance_types(play: Play) -> np.ndarray:
    """Pre-snap stance per player (index into STANCES): linemen and TEs three-point, backs, receivers and
    linebackers two-point, the QB in shotgun or under centre from his depth behind the ball at the snap."""
    pos = np.array([str(p).upper() for p in play.roster.position])
    st = np.zeros(len(pos), np.int64)
    st[np.isin(pos, list(_TWO_POINT))] = 1
    st[np.isin(pos, list(_THREE_POINT))] = 2
    snap = play.frame_at(0.0)
    los = play.meta.los_x
    if los is None:
        bx = play.ball_x[np.isfinite(play.ball_x)]
        los = float(bx[0]) if len(bx) else None
    for i in np.flatnonzero(pos == "QB"):
        depth = (los - float(play.x[snap, i])) if (los is not None and np.isfinite(play.x[snap, i])) else 5.0
        st[i] = 4 if depth < 2.5 else 3
    return st


def synthesize(play: Play, times: np.ndarray, skel: Skeleton, heights: np.ndarray, plan: BallPlan) -> np.ndarray:
    """Joint positions float32 [T, P, J, 3] (metres, world frame) at `times` (uniform, s from the snap)."""
    return np.moveaxis(synthesize_joint_major(play, times, skel, heights, plan), 0, 2)


def synthesize_joint_major(play: Play, times: np.ndarray, skel: Skeleton, heights: np.ndarray, plan: BallPlan
                           ) -> np.ndarray:
    """As `synthesize` but joint-major float32 [J, T, P, 3], contiguous: cheaper to build and to decompose."""
    times = np.asarray(times, np.float64)
    T, P = len(times), play.n_players
    dt = float(times[1] - times[0]) if T > 1 else 1.0 / 60
    per_s = max(1, int(round(1.0 / dt)))
    H = np.asarray(heights, np.float64)[None, :]  # [1, P]
    L = skel.length.astype(np.float64)
    J = skel.index

    tr = sample_tracks(play, times)
    tag = np.stack([tr.x, tr.y], -1) * YARD
    vel = moving_average(np.stack([tr.vx, tr.vy], -1) * YARD, max(1, per_s // 10))
    acc = moving_average(np.stack([tr.ax, tr.ay], -1) * YARD, max(1, per_s // 4))
    v = np.linalg.norm(vel, axis=-1)
    psi = np.radians(moving_average(unwrap_deg(tr.o), max(1, per_s // 8)))
    f = np.stack([np.sin(psi), np.cos(psi)], -1)
    lft = np.stack([-f[..., 1], f[..., 0]], -1)
    omega = np.abs(np.gradient(psi, dt, axis=0)) if T > 1 else np.zeros_like(psi)

    # ---- modes: forward / backpedal / shuffle from facing vs heading
    hv = vel / np.maximum(v, 1e-6)[..., None]
    cosd = np.sum(f * hv, -1)
    moving = smoothstep(v, 0.4, 1.2)
    w_fwd = smoothstep(cosd, np.cos(np.radians(60)), np.cos(np.radians(30)))
    w_back = smoothstep(-cosd, np.cos(np.radians(60)), np.cos(np.radians(30)))
    w_side = np.clip(1 - w_fwd - w_back, 0, 1)
    w_fwd_m = 1 - moving * (1 - w_fwd)  # standing counts as forward

    # ---- gait phase (strides): step rate from speed, turning in place also steps
    v_eff = v + 0.25 * omega
    rate = np.interp(v_eff, _RATE_V, _RATE_F)
    phase = np.cumsum(rate * 0.5 * dt, axis=0) + 1e-7 * np.arange(T)[:, None]
    duty = np.interp(v, _DUTY_V, _DUTY_D)

    # ---- stance weights: set before the snap, left at the snap (get-off)
    st = stance_types(play)
    sp = _STANCE_PARAMS[st]  # [P, 4]
    if play.meta.play_type == "kickoff":
        w_st = np.zeros((T, P))
    else:
        still = 1 - smoothstep(moving_average(v, max(1, per_s // 2)), 0.4, 1.0)
        window = smoothstep(times, -1.6, -1.0) * (1 - smoothstep(times, 0.0, 0.35))
        w_st = window[:, None] * still

    # ---- trunk: lean from acceleration and turning, stance pitch, crouch
    a_f = np.sum(acc * f, -1)
    a_l = np.sum(acc * lft, -1)
    pitch_g = (w_fwd_m * np.interp(v, [0, 3, 8], [3, 7, 12]) + moving * (w_back * 9 + w_side * 11)
               + 0.8 * np.degrees(np.arctan(np.clip(a_f, -6, 8) / G)))
    pitch = np.radians((1 - w_st) * pitch_g + w_st * sp[None, :, 1])
    roll = (1 - w_st) * np.arctan(np.clip(a_l, -8, 8) / G)
    crouch = (1 - w_st) * (np.interp(v, [0, 2, 5], [0.005, 0.02, 0.03]) + moving * (w_back + w_side) * 0.04) \
        + w_st * sp[None, :, 0]
    trunk = _frame(f, lft, pitch, roll)
    head = _frame(f, lft, 0.3 * pitch, 0.5 * roll)
    yaw = _frame(f, lft, np.zeros_like(pitch), np.zeros_like(pitch))

    def bone(name: str, axes) -> np.ndarray:
        j = J(name)
        return _apply(axes, skel.rest[j].astype(np.float64)) * (L[j] * H)[..., None]

    # ---- upper body relative to the root, then the root placed so the shoulder midpoint is on the track
    spine = bone("spine_mid", trunk)
    neck = spine + bone("neck", trunk)
    l_sh = neck + bone("l_shoulder", trunk)
    r_sh = neck + bone("r_shoulder", trunk)
    root_xy = tag - 0.5 * (l_sh + r_sh)[..., :2]

    # ---- feet: plants at the root's position at mid-stance, swing arcs between plants
    foot_names = (("l", +1.0, 0.0), ("r", -1.0, 0.5))
    stance_feet = {}
    feet = {}
    lifts = {}
    landing = {}
    width_g = np.interp(v, [0, 1.0, 3.0, 6.0], [0.075, 0.06, 0.04, 0.03])
    for side, sgn, off in foot_names:
        stag = sp[:, 3] * (0.5 if sgn > 0 else -0.5)
        stance_feet[side] = root_xy + f * (stag * H[0])[None, :, None] \
            + lft * (sgn * sp[:, 2] * H[0])[None, :, None]
        u = phase + off
        m = np.round(u)
        rel = u - m
        half = duty / 2
        ahead = rel >= half
        behind = rel <= -half
        na = np.where(behind, m - 1, m)
        nb = np.where(ahead, m + 1, m)
        s = np.where(ahead, (rel - half) / (1 - duty), np.where(behind, (rel + 1 - half) / (1 - duty), 0.0))
        s = np.clip(s, 0, 1)
        pa = np.empty((T, P, 2))
        pb = np.empty((T, P, 2))
        for p in range(P):
            ph = phase[:, p]
            for n_arr, dst in ((na[:, p], pa), (nb[:, p], pb)):
                tq = np.interp(n_arr - off, ph, times)
                for c in range(2):
                    dst[:, p, c] = (np.interp(tq, times, root_xy[:, p, c])
                                    + sgn * np.interp(tq, times, width_g[:, p] * H[0, p] * lft[:, p, c]))
        # the foot clears the turf quickly and travels mostly while high (smootherstep along, sqrt-sine up)
        ss = s * s * s * (s * (6 * s - 15) + 10)
        gait = pa + (pb - pa) * ss[..., None]
        lift = np.interp(v, [0, 1.0, 3.5, 8.0], [0, 0.12, 0.22, 0.28]) * (H / 1.85) * np.sqrt(np.sin(np.pi * s))
        feet[side] = gait * (1 - w_st)[..., None] + stance_feet[side] * w_st[..., None]
        lifts[side] = lift * (1 - w_st)
        landing[side] = (s == 0) | (s > 0.75)
        _get_off_feet(feet[side], lifts[side], stance_feet[side], gait, pb, s, ss, lift, w_st, times,
                      0.28 * H[0] / 1.85)

    foot_idx = {side: [J(f"{side}_heel"), J(f"{side}_big_toe"), J(f"{side}_small_toe")] for side in "lr"}
    drop = max(float(-(skel.rest[j, 2] * L[j])) for j in foot_idx["l"] + foot_idx["r"])  # / H
    ankle_z0 = drop * H + 0.004

    # ---- pelvis height: nominal crouch, lowered so that the legs reach the feet, small smoothing
    leg = (L[J("l_knee")] + L[J("l_ankle")]) * H
    hip_off = L[J("l_hip")] * H
    z_nom = H * (skel.root_height - crouch)
    z_root = z_nom.copy()
    for side, sgn, _ in foot_names:
        hip_xy = root_xy + lft * (sgn * hip_off)[..., None]
        dxy = np.linalg.norm(feet[side] - hip_xy, axis=-1)
        reach = ankle_z0 + lifts[side] + np.sqrt(np.maximum((0.985 * leg) ** 2 - dxy ** 2, 0.0))
        # a foot on the turf (or about to land) holds the pelvis down; earlier in its swing a foot out of reach
        # trails on a straight leg
        z_root = np.minimum(z_root, np.where(landing[side], reach, np.inf))
    n_sm = max(1, per_s // 15)
    # no splits: out of a stance the pelvis stays above 0.38 H even if a far plant then slides a little
    floor = H * (0.38 - 0.13 * w_st)
    z_root = np.maximum(moving_average(minimum_filter1d(z_root, n_sm, axis=0), n_sm), floor)

    root = np.concatenate([root_xy, z_root[..., None]], -1)
    out: dict[int, np.ndarray] = {}  # joint index -> [T, P, 3]; stacked once at the end (strided writes are slow)
    out[J("mid_hip")] = root
    out[J("spine_mid")] = root + spine
    out[J("neck")] = root + neck
    for name in ("head_top", "nose", "l_eye", "r_eye", "l_ear", "r_ear"):
        out[J(name)] = root + neck + bone(name, head)
    out[J("l_shoulder")] = root + l_sh
    out[J("r_shoulder")] = root + r_sh

    # ---- legs
    for side, sgn, _ in foot_names:
        hip = root + bone(f"{side}_hip", yaw)
        tgt = np.concatenate([feet[side], (ankle_z0 + lifts[side])[..., None]], -1)
        pole = yaw[0] + 0.15 * sgn * yaw[1]
        knee, ankle = two_bone_ik(hip, tgt, L[J(f"{side}_knee")] * H, L[J(f"{side}_ankle")] * H, pole)
        out[J(f"{side}_hip")] = hip
        out[J(f"{side}_knee")] = knee
        out[J(f"{side}_ankle")] = ankle
        for j in foot_idx[side]:
            out[j] = ankle + bone(skel.names[j], yaw)

    # ---- arms: gait swing, stance, holding the ball, the throw; wrist targets then IK
    arm_u = L[J("l_elbow")] * H
    arm_f = L[J("l_wrist")] * H
    amp = np.interp(v, [0, 1, 3, 7], [0.05, 0.3, 0.6, 0.9]) * (w_fwd_m + 0.4 * (1 - w_fwd_m))
    bend = (np.interp(v, [0, 1, 2.5, 4], [0.25, 0.35, 1.4, 1.6]) * w_fwd_m + 1.3 * (1 - w_fwd_m))
    swing = amp * np.cos(2 * np.pi * (phase + duty / 2))  # right arm forward when the left leg is
    holding = moving_average((plan.holder[:, None] == np.arange(P)[None, :]).astype(np.float64),
                             max(1, per_s // 6))
    for side, sgn, _ in foot_names:
        sh = out[J(f"{side}_shoulder")]
        th = swing * (-1 if sgn > 0 else 1)
        d_up = np.stack([np.sin(th), np.full_like(th, 0.12 * sgn), -np.cos(th)], -1)
        d_fo = np.stack([np.sin(th + bend), np.full_like(th, 0.05 * sgn), -np.cos(th + bend)], -1)
        rel = _unit(d_up) * arm_u[..., None] + _unit(d_fo) * arm_f[..., None]
        gait_t = sh + _apply(trunk, rel / H[..., None]) * H[..., None]
        stance_t = _stance_wrist(side, sgn, st, sh, out[J(f"{side}_knee")], trunk, yaw, tag, root, H,
                                 plan, play)
        tgt = gait_t + (stance_t - gait_t) * w_st[..., None]
        if side == "r":
            hold_t = sh + _apply(trunk, np.broadcast_to(_HOLD_R, tgt.shape)) * H[..., None]
            tgt = tgt + (hold_t - tgt) * holding[..., None]
        tgt = _throw(side, tgt, sh, trunk, H, times, plan, holding)
        pole = -trunk[0] - 0.5 * trunk[2] + 0.4 * sgn * trunk[1]
        elbow, wrist = two_bone_ik(sh, tgt, arm_u, arm_f, pole)
        out[J(f"{side}_elbow")] = elbow
        out[J(f"{side}_wrist")] = wrist
        out[J(f"{side}_hand")] = wrist + _unit(wrist - elbow) * (L[J(f"{side}_hand")] * H)[..., None]
    return np.stack([out[j] for j in range(skel.n_joints)], axis=0, dtype=np.float32)


def _get_off_feet(feet: np.ndarray, lifts: np.ndarray, spot: np.ndarray, gait: np.ndarray, pb: np.ndarray,
                  s: np.ndarray, ss: np.ndarray, lift: np.ndarray, w_st: np.ndarray, times: np.ndarray,
                  lift_cap: np.ndarray) -> None:
    """After the snap, a player set in his stance keeps each foot on its stance spot until that foot's first
    swing, which then carries it to the gait's next plant: no sliding from stance to gait (in place)."""
    i0 = int(np.searchsorted(times, 0.0))
    if i0 >= len(times):
        return
    swing = s > 0
    for p in np.flatnonzero(w_st[i0] > 0.5):
        sp = spot[i0, p]
        after = swing[i0:, p]
        if not after.any():
            feet[i0:, p] = sp
            lifts[i0:, p] = 0.0
            continue
        k0 = i0 + int(np.argmax(after))
        rest = ~swing[k0:, p]
        k1 = k0 + (int(np.argmax(rest)) if rest.any() else len(rest))
        feet[i0:k0, p] = sp
        lifts[i0:k0, p] = 0.0
        feet[k0:k1, p] = sp + (pb[k0:k1, p] - sp) * ss[k0:k1, p, None]
        # the first step out of the stance can be long while the speed is still low: lift with its length
        reach = np.linalg.norm(pb[k0:k1, p] - sp, axis=-1)
        arc = np.sqrt(np.sin(np.pi * s[k0:k1, p]))
        lifts[k0:k1, p] = np.maximum(lift[k0:k1, p], np.minimum(0.12 * reach, lift_cap[p]) * arc)
        # later frames: the gait, no longer blended with the stance
        feet[k1:, p] = gait[k1:, p]
        lifts[k1:, p] = lift[k1:, p]


def _stance_wrist(side: str, sgn: float, st: np.ndarray, sh: np.ndarray, knee: np.ndarray, trunk, yaw,
                  tag: np.ndarray, root: np.ndarray, H: np.ndarray, plan: BallPlan, play: Play) -> np.ndarray:
    """Wrist targets of the pre-snap stances [T, P, 3]."""
    tgt = sh + _apply(trunk, np.array([0.03, 0.03 * sgn, -0.36])) * H[..., None]  # upright: arms hang
    # two-point: hands above the knees
    hk = knee + yaw[0] * (0.04 * H)[..., None] + np.array([0, 0, 1.0]) * (0.05 * H)[..., None]
    tgt = np.where((st == 1)[None, :, None], hk, tgt)
    # three-point: the right hand on the turf ahead of the shoulder (the centre's on the ball), left on the knee
    if side == "r":
        down = sh + yaw[0] * (0.05 * H)[..., None]
        down[..., 2] = 0.06 * H
        pos = np.array([str(p).upper() for p in play.roster.position])
        centre = np.flatnonzero(pos == "C")
        if len(centre) and np.isfinite(plan.track_x).any():
            ball = np.stack([plan.track_x * YARD, plan.track_y * YARD], -1)
            ok = np.isfinite(ball).all(-1)
            for c in centre:
                down[ok, c, :2] = ball[ok]
                down[ok, c, 2] = 0.11 + 0.05 * H[0, c]
        tgt = np.where((st == 2)[None, :, None], down, tgt)
    else:
        tgt = np.where((st == 2)[None, :, None], hk + np.array([0, 0, 0.01]) * H[..., None], tgt)
    # shotgun: hands ready in front of the belly; under centre: hands forward under the centre
    sg = sh + _apply(trunk, np.array([0.16, -0.06 * sgn, -0.20])) * H[..., None]
    tgt = np.where((st == 3)[None, :, None], sg, tgt)
    uc = np.concatenate([tag + yaw[0][..., :2] * (0.2 * H)[..., None]
                         + yaw[1][..., :2] * (0.015 * sgn * H)[..., None], root[..., 2:3]], -1)
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
    win = (rel_t >= key_times[0] - 0.2) & (rel_t <= key_times[-1] + THROW_FADE)
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
    w = np.where(after > 0, 1 - smoothstep(after, 0.0, THROW_FADE), w)
    before = rel_t[win] - key_times[0]
    if side == "l":  # the guide hand joins the ball in the pre-release hold
        w = np.where(before < 0, np.maximum(holding[win, p], smoothstep(before, -0.2, 0.0)), w)
    else:
        w = np.where(before < 0, smoothstep(before, -0.2, 0.0), w)
    out = tgt.copy()
    out[win, p] = tgt[win, p] + (key_t - tgt[win, p]) * w[:, None]
    if side == "l":
        hold_t = sh[:, p] + _apply(tuple(a[:, p] for a in trunk), _HOLD_L) * H[0, p]
        pre = (times < plan.t_release + key_times[0]) & (times >= 0)
        hw = holding[pre, p][:, None]
        out[pre, p] = out[pre, p] + (hold_t[pre] - out[pre, p]) * hw
    return out
