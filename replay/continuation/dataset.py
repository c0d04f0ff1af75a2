"""Recorded pass plays as arrays for the continuation model: the tracks at 10 Hz, who is in which group, and
(for the fit and the evaluation) the model's inputs at an anchor instant with the real displacements after it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..matchups import blockers, coverage
from ..play import FPS, Play
from ..roles import eligible_receivers, pass_rushers, passer, release_time
from ..timebase import sample_tracks
from .features import ACC_LAG, BLOCKER, COVERAGE, HISTORY_S, NONE, RECEIVER, RUSHER, Layout, feature_matrix, matches

DT = 1.0 / FPS


@dataclass
class PlayTracks:
    """One pass play at its frames: positions and velocities `[F, P, 2]` (yd, yd/s), the layout and the release."""

    key: str
    game_id: int
    t: np.ndarray
    pos: np.ndarray
    vel: np.ndarray
    layout: Layout
    release_i: int
    sacked: bool


def layout_of(play: Play) -> Layout | None:
    """The play's groups and marks, or None when it has no passer."""
    qb = passer(play)
    if qb is None:
        return None
    g = np.full(play.n_players, NONE)
    g[blockers(play)] = BLOCKER
    g[coverage(play)] = COVERAGE
    g[eligible_receivers(play)] = RECEIVER
    g[pass_rushers(play)] = RUSHER
    g[qb] = NONE
    los = play.meta.los_x if play.meta.los_x is not None else float(np.nanmedian(play.x[play.frame_at(0.0)]))
    fd = play.meta.first_down_x if play.meta.first_down_x is not None else los + 10.0
    return Layout(group=g, qb=int(qb), los_x=float(los), first_down_x=float(fd))


def play_tracks(play: Play) -> PlayTracks | None:
    """The recorded arrays of a pass play with a passer and a release, else None."""
    rel = release_time(play)
    layout = layout_of(play)
    if rel is None or layout is None:
        return None
    tr = sample_tracks(play, play.t)
    pos = np.stack([tr.x, tr.y], -1)
    vel = np.stack([tr.vx, tr.vy], -1)
    sacked = play.meta.pass_result == "S" or play.event_frame("qb_sack") is not None
    return PlayTracks(key=play.key, game_id=int(play.meta.game_id), t=play.t.astype(np.float64), pos=pos, vel=vel,
                      layout=layout, release_i=play.frame_at(rel), sacked=sacked)


def acceleration(vel_hist: np.ndarray) -> np.ndarray:
    """Velocity change over the last ACC_LAG frames per second, from a history `[T, P, 2]` (zero when short)."""
    if len(vel_hist) <= ACC_LAG:
        return np.zeros_like(vel_hist[-1])
    return (vel_hist[-1] - vel_hist[-1 - ACC_LAG]) / (ACC_LAG * DT)


def anchor_features(pt: PlayTracks, i: int, pos: np.ndarray | None = None,
                    vel: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Features `[P, F]` at frame i from the recorded history (optionally a mirrored copy of the tracks), and the
    matched columns."""
    pos = pt.pos if pos is None else pos
    vel = pt.vel if vel is None else vel
    h0 = max(0, i - int(round(HISTORY_S * FPS)))
    m = matches(pt.layout, pos[h0:i + 1], vel[h0:i + 1])
    acc = acceleration(vel[h0:i + 1])
    q = pt.layout.qb
    X = feature_matrix(pt.layout, pos[i], vel[i], acc, m, pos[i, q], vel[i, q], float(pt.t[i]))
    return X, m


def residuals(pt: PlayTracks, i: int, K: int, end_i: int, pos: np.ndarray | None = None,
              vel: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Real displacement minus constant velocity after frame i, `[P, K, 2]`, and which steps are usable
    (recorded, at or before frame `end_i`)."""
    pos = pt.pos if pos is None else pos
    vel = pt.vel if vel is None else vel
    k = np.arange(1, K + 1)
    j = np.minimum(i + k, len(pt.t) - 1)
    ok = (i + k <= end_i) & (i + k < len(pt.t))
    disp = pos[j] - pos[i][None]  # [K, P, 2]
    r = disp - vel[i][None] * (k * DT)[:, None, None]
    r = np.transpose(r, (1, 0, 2))
    ok2 = np.broadcast_to(ok[None, :], r.shape[:2]) & np.isfinite(r).all(-1)
    return np.nan_to_num(r), ok2
