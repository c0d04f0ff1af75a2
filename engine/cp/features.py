"""Throw features of a `Play` at any instant, for every eligible receiver: the six named features
(the NGS completion-probability inputs, units in `engine.cp.model.FEATURES`) plus play context, all from one
arrival projection.

The projection runs once per play at the tracking frames from the snap on (10 Hz, the data's own resolution)
and the features are linear in time between frames, like the positions they come from; so any instant costs a
table lookup, and an instant on a frame gets exactly the projected values (`features_direct` projects any
instants directly)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

import numpy as np

from replay.errors import QbvrError
from replay.field_frame import FIELD
from replay.play import FPS, Play
from replay.roles import defenders, eligible_receivers, pass_rushers, passer, release_time

from . import arrival as arr
from .model import PRESSURE_MAX

# Columns of the per-frame feature table (`PlayThrowContext.rows`), in this order; the context features follow.
ROW_FEATURES = ("air_distance", "separation", "lane_separation", "sideline_distance", "air_yards", "flight_s",
                "catch_x", "catch_y", "rusher_distance", "qb_speed", "pressure_distance", "time_to_throw")
_RAW_PRESSURE, _PRESSURE, _TTT = (ROW_FEATURES.index(k) for k in ("rusher_distance", "pressure_distance",
                                                                    "time_to_throw"))
TABLE_BLOCK = 32  # frames projected together when first needed (3.2 s)
NO_RUSHER = 1e6  # yd, "rusher distance" of a play without pass rushers (beyond PRESSURE_MAX: no pressure)
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
        rec = eligible_receivers(play)
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
            "yardline_100": FIELD.goal_x - los,
            "shotgun": float(los - qx0[0] >= SHOTGUN_DEPTH),
        }
        return cls(play, tracks, qb, rec, defenders(play), pass_rushers(play), float(los), ctx, release_time(play))

    @property
    def nfl_ids(self) -> np.ndarray:
        return self.play.roster.nfl_id[self.receivers]

    @property
    def nfl_ids_list(self) -> list[int]:
        ids = self.__dict__.get("_ids")
        if ids is None:
            ids = self.__dict__["_ids"] = [int(v) for v in self.nfl_ids]
        return ids

    @property
    def columns(self) -> dict[str, int]:
        """Feature name -> column of the arrays `rows` returns."""
        cols = self.__dict__.get("_cols")
        if cols is None:
            cols = self.__dict__["_cols"] = {k: i for i, k in enumerate((*ROW_FEATURES, *self.context))}
        return cols

    def _table(self) -> tuple[np.ndarray, np.ndarray, float, int, list[bool]]:
        """Per-frame features [Fp, R, K] from the frame before the snap to the end, their step to the next frame
        (0 after the last), the first frame's index, the frame count, and which blocks of TABLE_BLOCK frames are
        filled (each block is projected when an instant in it is first asked about)."""
        tab = self.__dict__.get("_tab")
        if tab is None:
            tr = self.tracks
            f0 = max(int(np.searchsorted(tr.t, 0.0)) - 1, 0)
            n = tr.n - f0
            a = np.empty((n, len(self.receivers), len(self.columns)))
            tab = self.__dict__["_tab"] = (a, np.zeros_like(a), float(f0), n, [False] * (-(-n // TABLE_BLOCK)))
        return tab

    def _fill(self, b0: int, b1: int) -> None:
        """Project the frames of table blocks b0..b1 that are not filled yet."""
        a, d, f0, n, done = self._table()
        for b in range(b0, b1 + 1):
            if done[b]:
                continue
            lo, hi = b * TABLE_BLOCK, min((b + 1) * TABLE_BLOCK, n)
            f = self.features_direct(self.tracks.t[int(f0) + lo:int(f0) + min(hi + 1, n)])  # + the next frame
            blk = np.empty(f["air_distance"].shape + (a.shape[2],))
            for k, j in self.columns.items():
                if k in f:
                    blk[..., j] = f[k]
            blk[..., _RAW_PRESSURE] = np.minimum(f["rusher_distance"], NO_RUSHER)
            a[lo:hi] = blk[:hi - lo]
            d[lo:lo + len(blk) - 1] = blk[1:] - blk[:-1]
            d[lo:hi, :, _PRESSURE] = d[lo:hi, :, _TTT] = 0.0  # set from the instant, not interpolated
            done[b] = True

    def prepare(self, t_end: float) -> None:
        """Project now every frame from the snap to `t_end` (s), so no later call pays for it."""
        self.rows(np.array([0.0, t_end]))

    def rows(self, t: np.ndarray | float) -> np.ndarray:
        """Features [T, R, K] (columns named by `columns`) for throws released at times `t` [T] (or one float):
        linear between the play's frames, exact on them."""
        a, d, f0, n, done = self._table()
        tr = self.tracks
        if isinstance(t, float) and tr._uniform:  # one instant: the same arithmetic on Python floats
            fi = (t - tr.t0) * FPS - f0
            r = round(fi)
            fi = min(max(r if abs(fi - r) < 1e-6 else fi, 0.0), n - 1.0)
            i0 = int(fi)
            if not done[i0 // TABLE_BLOCK]:
                self._fill(i0 // TABLE_BLOCK, i0 // TABLE_BLOCK)
            out = a[i0] + d[i0] * (fi - i0)
            rd = out[0, _RAW_PRESSURE]
            out[:, _PRESSURE] = rd if rd <= PRESSURE_MAX else np.nan
            out[:, _TTT] = max(t, 0.0)
            return out[None]
        t = np.atleast_1d(np.asarray(t, np.float64))
        if tr._uniform:
            fi = (t - tr.t0) * FPS - f0
        else:
            i, w = tr.index(t)
            fi = i + w - f0
        r = np.rint(fi)
        fi = np.minimum(np.maximum(np.where(np.abs(fi - r) < 1e-6, r, fi), 0.0), n - 1.0)  # on a frame: exactly
        i0 = fi.astype(np.intp)
        if len(i0):
            self._fill(int(i0.min()) // TABLE_BLOCK, int(i0.max()) // TABLE_BLOCK)
        out = a[i0] + d[i0] * (fi - i0)[:, None, None]
        rd = out[..., _RAW_PRESSURE]
        out[..., _PRESSURE] = np.where(rd <= PRESSURE_MAX, rd, np.nan)
        out[..., _TTT] = np.maximum(t, 0.0)[:, None]
        return out

    def features(self, t: np.ndarray) -> dict[str, np.ndarray]:
        """Feature arrays [T, R] for throws released at times `t` [T] to every eligible receiver."""
        m = self.rows(t)
        return {k: m[..., j] for k, j in self.columns.items()}

    def features_direct(self, t: np.ndarray) -> dict[str, np.ndarray]:
        """`features` projected directly at times `t` [T] (what the per-frame table holds)."""
        t = np.atleast_1d(np.asarray(t, np.float64))
        iw = self.tracks.index(t)
        a = arr.project(self.tracks, t, self.qb, self.receivers, self.defenders, index=iw)
        shape = a.catch.shape
        n_r = shape[1]
        cy = a.catch.imag
        if len(self.rushers):
            rz = self.tracks.at_index((iw[0][:, None], iw[1][:, None]), self.rushers[None, :])
            raw = np.abs(rz - a.release[:, None]).min(axis=1)
        else:
            raw = np.full(len(t), np.inf)
        pd_ = np.where(raw <= PRESSURE_MAX, raw, np.nan)
        qs = self.tracks.at_index(iw, self.qb, self.tracks.s)
        feats = {
            "air_distance": np.abs(a.catch - a.release[:, None]),
            "separation": np.minimum(a.separation, 30.0),  # no defender at all: wide open
            "lane_separation": np.minimum(a.lane, 30.0),
            "sideline_distance": FIELD.sideline_distance(cy),
            "pressure_distance": np.repeat(pd_[:, None], n_r, axis=1),
            "qb_speed": np.repeat(qs[:, None], n_r, axis=1),
            "time_to_throw": np.repeat(np.maximum(t, 0.0)[:, None], n_r, axis=1),
            "air_yards": a.catch.real - self.los_x,
        }
        for k, v in self.context.items():
            feats[k] = np.full(shape, v)
        feats["rusher_distance"] = np.repeat(raw[:, None], n_r, axis=1)
        feats["flight_s"] = a.flight_s
        feats["catch_x"] = a.catch.real
        feats["catch_y"] = cy
        return feats


def released_throws(plays: Iterable[Play]) -> Iterator[tuple[Play, PlayThrowContext]]:
    """Each pass play that has a passer, receivers and a real release, with its throw context."""
    for play in plays:
        if play.meta.play_type != "pass":
            continue
        try:
            ctx = PlayThrowContext.build(play)
        except NotAPassPlay:
            continue
        if ctx.release_t is not None:
            yield play, ctx
