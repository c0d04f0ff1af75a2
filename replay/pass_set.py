"""Pass protection: offensive linemen set and shuffle facing the line instead of turning to run in stride, and
engaged rusher-blocker pairs face each other with their arms extended into each other's chest.

Two steps around the synthesis (which is not changed):
- `pass_set_facing(play)`, before it: on a pass play, from the snap to the end of the dropback, each lineman's
  facing is turned toward the line of scrimmage, or toward the rusher he is engaged with; the engaged rusher's
  toward him. The synthesis derives its gait from where the feet plant relative to the facing, so a lineman
  retreating while facing the line backpedals and shuffles sideways, as a pass set does.
- `extend_arms(...)`, after it: while a pair is engaged, both players' hands reach for the other's chest (a
  two-bone reach of each arm from its shoulder, elbows out and down).

Pairs are found on the tracks: a lineman and a pass rusher (`replay.roles.pass_rushers`) closer than
ENGAGED_YD between the snap and the dropback's end, each lineman with his nearest rusher.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .play import OFFENSIVE_LINE, Play
from .roles import dropback_end, pass_rushers, release_time
from .skeleton import Skeleton

ENGAGED_YD = 1.6  # a lineman and a rusher this close (track points, yards) are engaged
RAMP_S = 0.3  # facing blends in after the snap and out after the dropback's end over this long
CHEST_R_M = 0.15  # trunk radius of a 1.88 m player: hands rest on it, not in it
REACH = 0.92  # hands reach this share of the arm's full length toward the chest point


def blockers(play: Play) -> np.ndarray:
    """Columns of the offensive linemen."""
    pos = np.asarray(play.roster.position).astype(str)
    return np.flatnonzero((np.asarray(play.roster.side) == "off") & np.isin(pos, list(OFFENSIVE_LINE)))


def is_pass_play(play: Play) -> bool:
    return release_time(play) is not None or len(pass_rushers(play)) > 0


def engagements(play: Play) -> np.ndarray:
    """Per tracking frame and lineman: the column of the engaged rusher, or -1; int [F, len(blockers)]."""
    ol, rush = blockers(play), pass_rushers(play)
    out = np.full((play.n_frames, len(ol)), -1, np.int64)
    if not len(ol) or not len(rush) or not is_pass_play(play):
        return out
    d = np.hypot(play.x[:, ol, None] - play.x[:, None, rush], play.y[:, ol, None] - play.y[:, None, rush])
    d = np.where(np.isfinite(d), d, np.inf)
    k = np.argmin(d, axis=2)
    near = np.take_along_axis(d, k[..., None], 2)[..., 0] < ENGAGED_YD
    window = (play.t >= 0) & (play.t <= dropback_end(play))
    return np.where(near & window[:, None], rush[k], -1)


def _bearing_deg(dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """NFL-convention angle (0 = +y, 90 = +x) of the direction (dx, dy)."""
    return np.degrees(np.arctan2(dx, dy)) % 360.0


def _blend_deg(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Angles from a toward b by weight w, along the shortest arc."""
    d = (b - a + 180.0) % 360.0 - 180.0
    return (a + w * d) % 360.0


def pass_set_facing(play: Play) -> Play:
    """A copy of `play` whose linemen (and engaged rushers) face as in pass protection; the play itself when it
    is no pass play. Only the facing `o` changes; positions stay the tracked ones."""
    ol = blockers(play)
    if not len(ol) or not is_pass_play(play):
        return play
    t = play.t.astype(np.float64)
    end = dropback_end(play)
    w = np.clip(t / RAMP_S, 0, 1) * np.clip((end + RAMP_S - t) / RAMP_S, 0, 1)
    o = np.array(play.o, np.float64, copy=True)
    o_ol = np.where(np.isfinite(o[:, ol]), o[:, ol], 90.0)
    target = np.full_like(o_ol, 90.0)  # the line of scrimmage: downfield, +x
    eng = engagements(play)
    f, b = np.nonzero(eng >= 0)
    r = eng[f, b]
    toward = _bearing_deg(play.x[f, r] - play.x[f, ol[b]], play.y[f, r] - play.y[f, ol[b]])
    target[f, b] = toward
    o[:, ol] = _blend_deg(o_ol, target, w[:, None])
    o_r = np.where(np.isfinite(o[f, r]), o[f, r], toward)
    o[f, r] = _blend_deg(o_r, (toward + 180.0) % 360.0, w[f])
    return dataclasses.replace(play, o=o.astype(np.asarray(play.o).dtype))


def _reach(shoulder: np.ndarray, goal: np.ndarray, l1: np.ndarray, l2: np.ndarray, out: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """Elbow and wrist [N, 3] of an arm from `shoulder` toward `goal` (two-bone, elbow bent outward `out`
    and down), reaching at most REACH of its length."""
    v = goal - shoulder
    dist = np.linalg.norm(v, axis=1, keepdims=True)
    u = v / np.maximum(dist, 1e-6)
    reach = np.minimum(dist, REACH * (l1 + l2)[:, None])
    wrist = shoulder + u * reach
    # elbow: along u by the law of cosines, offset toward the pole (outward and down), perpendicular to u
    a = (l1[:, None] ** 2 - l2[:, None] ** 2 + reach ** 2) / (2 * reach)
    h = np.sqrt(np.maximum(l1[:, None] ** 2 - a ** 2, 0.0))
    pole = out + np.array([0.0, 0.0, -0.7])
    pole = pole - np.sum(pole * u, axis=1, keepdims=True) * u
    pole /= np.maximum(np.linalg.norm(pole, axis=1, keepdims=True), 1e-6)
    return shoulder + u * a + pole * h, wrist


def extend_arms(play: Play, times: np.ndarray, skel: Skeleton, jm: np.ndarray, heights: np.ndarray,
                synthesized: np.ndarray) -> int:
    """Engaged pairs' hands on each other's chest, in place on the joint-major array `jm` [J, T, P, 3] (metres);
    only `synthesized` players (bool [P]) are changed. Returns the number of (frame, player) arms posed."""
    eng = engagements(play)
    if not (eng >= 0).any():
        return 0
    fi = np.clip(np.searchsorted(play.t, times + 1e-9, side="right") - 1, 0, play.n_frames - 1)
    e = eng[fi]  # [T, n_ol]
    ol = blockers(play)
    ti, b = np.nonzero(e >= 0)
    # the blocker's hands inside, low on the rusher's chest; the rusher's outside, on the blocker's shoulder
    # pads: (frames, who, whom, metres below the shoulder line, share of the shoulder width apart)
    pairs = [(ti, ol[b], e[ti, b], 0.16, 0.22), (ti, e[ti, b], ol[b], 0.0, 0.48)]
    ls, rs, neck = skel.index("l_shoulder"), skel.index("r_shoulder"), skel.index("neck")
    n = 0
    for t_idx, me, opp, below, apart in pairs:
        keep = synthesized[me]
        t_idx, me, opp = t_idx[keep], me[keep], opp[keep]
        if not len(t_idx):
            continue
        mid = 0.5 * (jm[ls, t_idx, opp] + jm[rs, t_idx, opp])
        # on the surface of his chest, below the shoulder line, on my side of him
        chest = 0.6 * mid + 0.4 * jm[neck, t_idx, opp] - np.array([0, 0, below])
        me_dir = 0.5 * (jm[ls, t_idx, me] + jm[rs, t_idx, me]) - mid
        me_dir[:, 2] = 0
        me_dir /= np.maximum(np.linalg.norm(me_dir, axis=1, keepdims=True), 1e-6)
        chest = chest + me_dir * (CHEST_R_M * heights[opp] / 1.88 + 0.05)[:, None]
        across = jm[ls, t_idx, opp] - jm[rs, t_idx, opp]
        for side, sgn in (("l", 1.0), ("r", -1.0)):
            sh_i, el_i, wr_i, hd_i = skel.indices(f"{side}_shoulder", f"{side}_elbow", f"{side}_wrist",
                                                  f"{side}_hand")
            H = heights[me]
            l1, l2 = skel.length[el_i] * H, skel.length[wr_i] * H
            sh = jm[sh_i, t_idx, me]
            # my left hand goes to his right side of the chest, and the other way round
            goal = chest - sgn * apart * across
            out = sh - 0.5 * (jm[ls, t_idx, me] + jm[rs, t_idx, me])
            elbow, wrist = _reach(sh, goal, l1, l2, out)
            hand_dir = wrist - elbow
            hand_dir /= np.maximum(np.linalg.norm(hand_dir, axis=1, keepdims=True), 1e-6)
            jm[el_i, t_idx, me] = elbow
            jm[wr_i, t_idx, me] = wrist
            jm[hd_i, t_idx, me] = wrist + hand_dir * (skel.length[hd_i] * H)[:, None]
            n += len(t_idx)
    return n
