"""The state of the 21 players the continuation model moves, and the features its learned corrections read.

Everything here is shared by the fit (`tools/fit_continuation.py`, from recorded states) and the model at run time
(from its own states), so the two can never disagree on what a feature means. Units are yards and seconds in the
field frame; arrays are `[P, ...]` over every column of the play, the QB included (his rows are never used).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..field_frame import FIELD
from ..matchups import blocker_in_path, tracked_receiver

GROUPS = ("rushers", "receivers", "coverage", "blockers")
RUSHER, RECEIVER, COVERAGE, BLOCKER = range(4)
NONE = -1  # the QB, and anyone the model does not move
FEATURES = ("vx", "vy", "ax", "ay", "speed",
            "qb_dx", "qb_dy", "qb_dist", "qb_ux", "qb_uy", "qb_vx", "qb_vy", "qb_near_x", "qb_near_y",
            "m_dx", "m_dy", "m_dist", "m_ux", "m_uy", "m_dvx", "m_dvy", "has_match",
            "from_los", "from_centre", "sideline", "to_sticks", "t_snap", "bias")
HISTORY_S = 1.0  # s of history the matching looks at
ACC_LAG = 2  # frames: acceleration is the velocity change over the last 0.2 s


@dataclass
class Layout:
    """Fixed facts of one play for the model: who is in which group, the QB's column and the field marks."""

    group: np.ndarray  # int [P], one of RUSHER..BLOCKER or NONE
    qb: int
    los_x: float
    first_down_x: float

    def of(self, g: int) -> np.ndarray:
        return np.flatnonzero(self.group == g)


def matches(layout: Layout, pos_hist: np.ndarray, vel_hist: np.ndarray) -> np.ndarray:
    """Each player's matched column (-1 none) from the last second of positions and velocities `[T, P, 2]`:
    rushers the blocker in their path, blockers the nearest rusher, receivers the nearest defender, coverage the
    receiver they track."""
    P = pos_hist.shape[1]
    out = np.full(P, -1)
    pos = pos_hist[-1]
    rush, blk = layout.of(RUSHER), layout.of(BLOCKER)
    rec, cov = layout.of(RECEIVER), layout.of(COVERAGE)
    k, _ = blocker_in_path(pos[rush], pos[blk], pos[layout.qb])
    out[rush] = np.where(k >= 0, blk[np.maximum(k, 0)], -1)
    out[blk] = _nearest(pos[blk], pos[rush], rush)
    out[rec] = _nearest(pos[rec], pos[np.concatenate([rush, cov])], np.concatenate([rush, cov]))
    if len(cov) and len(rec):
        k = tracked_receiver(pos_hist[:, cov], vel_hist[:, cov], pos_hist[:, rec], vel_hist[:, rec])
        out[cov] = np.where(k >= 0, rec[np.maximum(k, 0)], -1)
    return out


def _nearest(a: np.ndarray, b: np.ndarray, cols: np.ndarray) -> np.ndarray:
    if len(a) == 0 or len(b) == 0:
        return np.full(len(a), -1)
    d = np.linalg.norm(a[:, None] - b[None], axis=-1)
    d = np.where(np.isfinite(d), d, np.inf)
    return cols[np.argmin(d, axis=1)]


def feature_matrix(layout: Layout, pos: np.ndarray, vel: np.ndarray, acc: np.ndarray, match: np.ndarray,
                   qb_pos: np.ndarray, qb_vel: np.ndarray, t_snap: float) -> np.ndarray:
    """Features `[P, len(FEATURES)]` of every player at one instant (the QB from `qb_pos`/`qb_vel`, which may be
    the trainee's rather than the recorded one)."""
    P = len(pos)
    X = np.zeros((P, len(FEATURES)))
    speed = np.hypot(vel[:, 0], vel[:, 1])
    q = qb_pos[None, :] - pos
    qd = np.maximum(np.hypot(q[:, 0], q[:, 1]), 0.1)
    has = match >= 0
    mi = np.maximum(match, 0)
    m = np.where(has[:, None], pos[mi] - pos, 0.0)
    md = np.where(has, np.hypot(m[:, 0], m[:, 1]), 15.0)
    mu = np.where(has[:, None], m / np.maximum(md, 0.1)[:, None], 0.0)
    mdv = np.where(has[:, None], vel[mi] - vel, 0.0)
    side = FIELD.sideline_distance(pos[:, 1])
    X[:, 0:2] = vel
    X[:, 2:4] = acc
    X[:, 4] = speed
    X[:, 5:7] = np.clip(q, -20, 20)
    X[:, 7] = np.minimum(qd, 30.0)
    X[:, 8:10] = q / qd[:, None]
    X[:, 10:12] = qb_vel[None, :]
    X[:, 12:14] = q / qd[:, None] / (1.0 + qd[:, None] / 3.0)
    X[:, 14:16] = np.clip(m, -15, 15)
    X[:, 16] = np.minimum(md, 15.0)
    X[:, 17:19] = mu
    X[:, 19:21] = mdv
    X[:, 21] = has
    X[:, 22] = np.clip(pos[:, 0] - layout.los_x, -15, 30)
    X[:, 23] = pos[:, 1] - FIELD.centre_y
    X[:, 24] = np.exp(-side / 3.0) * np.sign(FIELD.centre_y - pos[:, 1])
    X[:, 25] = np.clip(layout.first_down_x - pos[:, 0], -5, 15)
    X[:, 26] = t_snap
    X[:, 27] = 1.0
    return np.nan_to_num(X)


def mirrored(pos: np.ndarray, vel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The same instant seen with the field's two sidelines swapped (y -> width - y): the fit sees every play both
    ways, so the model has no preference for one side."""
    p = pos.copy()
    v = vel.copy()
    p[..., 1] = FIELD.width - p[..., 1]
    v[..., 1] = -v[..., 1]
    return p, v
