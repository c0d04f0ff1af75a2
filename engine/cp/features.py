"""Throw features of a `Play` at any instant, for every eligible receiver: the six named features
(research-notes §1, units in `engine.cp.model.FEATURES`) plus play context, all from one arrival projection."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from replay.errors import QbvrError
from replay.play import FIELD_WIDTH, Play

from . import arrival as arr
from .model import PRESSURE_MAX
from .players import defenders, eligible_receivers, pass_rushers, passer, release_time

GOAL_X = 110.0  # the opponent's goal line in the normalised frame (offense toward +x)
SHOTGUN_DEPTH = 3.0  # yd behind the line at the snap


class NotAPassPlay(QbvrError):
    """The play has no passer or no eligible receiver, so there is nothing to score."""


@dataclass
class PlayThrowContext:
    """Per-play data for feature extraction, built once and reused at every instant."""

    play: Play
    tracks: arr.Tracks
    qb: int
    receivers: np.ndarray
    defenders: np.ndarray
    rushers: np.ndarray
    los_x: float
    context: dict[str, float]
    release_t: float | None

    @classmethod
    def build(cls, play: Play) -> "PlayThrowContext":
        qb = passer(play)
        if qb is None:
            raise NotAPassPlay(f"play {play.key}: no passer found")
        rec = eligible_receivers(play, qb)
        rec = rec[np.isfinite(play.x[:, rec]).any(axis=0)]  # never tracked: nothing to project
        if len(rec) == 0:
            raise NotAPassPlay(f"play {play.key}: no eligible receiver")
        tracks = arr.Tracks(play)
        m = play.meta
        los = m.los_x
        if los is None:
            i0 = play.frame_at(0.0)
            los = float(np.interp(0.0, play.ball_t, play.ball_x)) if len(play.ball_t) else float(
                np.nanmean(play.x[i0]))
        qx0 = tracks.at(np.array([0.0]), qb).real
        ctx = {
            "down": float(m.down) if m.down else np.nan,
            "ydstogo": float(m.distance) if m.distance is not None else np.nan,
            "yardline_100": GOAL_X - los,
            "shotgun": float(los - qx0[0] >= SHOTGUN_DEPTH),
        }
        return cls(play, tracks, qb, rec, defenders(play), pass_rushers(play), float(los), ctx, release_time(play))

    @property
    def nfl_ids(self) -> np.ndarray:
        return self.play.roster.nfl_id[self.receivers]

    def features(self, t: np.ndarray) -> dict[str, np.ndarray]:
        """Feature arrays [T, R] for throws released at times `t` [T] to every eligible receiver."""
        t = np.atleast_1d(np.asarray(t, np.float64))
        iw = self.tracks.index(t)
        a = arr.project(self.tracks, t, self.qb, self.receivers, self.defenders, index=iw)
        shape = a.catch.shape
        n_r = shape[1]
        cy = a.catch.imag
        if len(self.rushers):
            rz = self.tracks.at_index((iw[0][:, None], iw[1][:, None]), self.rushers[None, :])
            pd_ = np.abs(rz - a.release[:, None]).min(axis=1)
            pd_ = np.where(pd_ <= PRESSURE_MAX, pd_, np.nan)
        else:
            pd_ = np.full(len(t), np.nan)
        qs = self.tracks.at_index(iw, self.qb, self.tracks.s)
        feats = {
            "air_distance": np.abs(a.catch - a.release[:, None]),
            "separation": np.minimum(a.separation, 30.0),  # no defender at all: wide open
            "lane_separation": np.minimum(a.lane, 30.0),
            "sideline_distance": np.maximum(np.minimum(cy, FIELD_WIDTH - cy), 0.0),
            "pressure_distance": np.repeat(pd_[:, None], n_r, axis=1),
            "qb_speed": np.repeat(qs[:, None], n_r, axis=1),
            "time_to_throw": np.repeat(np.maximum(t, 0.0)[:, None], n_r, axis=1),
            "air_yards": a.catch.real - self.los_x,
        }
        for k, v in self.context.items():
            feats[k] = np.full(shape, v)
        feats["flight_s"] = a.flight_s
        feats["catch_x"] = a.catch.real
        feats["catch_y"] = cy
        return feats
