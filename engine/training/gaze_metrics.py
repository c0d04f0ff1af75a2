"""Gaze metrics of one rep, updated every frame: fixations by velocity threshold (I-VT), eyes downfield vs on
the rush, first look and dwell per eligible receiver, reads, the quiet eye and the head-pitch distribution.

Sample k (time t_k) stands for the interval [t_k, t_{k+1}); only time after the snap (t >= 0) and before the
decision (the throw, else the end of the rep) counts. The live loop and the recomputation from a recorded
stream feed the same `GazeTracker`, so the summary is the same either way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

IVT_DEG_S = 30.0  # fixation when the gaze turns slower than this (I-VT, Salvucci & Goldberg, ETRA 2000)
MIN_FIXATION_S = 0.1
PITCH_BINS = np.arange(-40.0, 25.0, 5.0)


@dataclass
class Fixation:
    start: float
    end: float
    target: int  # nfl_id of the player looked at most during it, 0 = none
    zone: str
    direction: tuple[float, float, float]

    @property
    def duration(self) -> float:
        return self.end - self.start

    def to_dict(self) -> dict[str, Any]:
        return {"start": round(self.start, 4), "end": round(self.end, 4), "duration": round(self.duration, 4),
                "target": self.target, "zone": self.zone}


@dataclass
class _Run:
    start: float
    targets: dict[int, float] = field(default_factory=dict)
    zones: dict[str, float] = field(default_factory=dict)
    dir_sum: np.ndarray = field(default_factory=lambda: np.zeros(3))
    end: float = 0.0


class GazeTracker:
    """Streaming gaze metrics. Call `update` once per frame in time order, then `result(decision_t)`."""

    def __init__(self, receivers: list[int], *, ivt_deg_s: float = IVT_DEG_S, min_fixation_s: float = MIN_FIXATION_S):
        self.receivers = [int(r) for r in receivers]
        self._rset = set(self.receivers)
        self.ivt = math.radians(ivt_deg_s)
        self.min_fix = min_fixation_s
        self.first_look: dict[int, float | None] = {r: None for r in self.receivers}
        self.dwell: dict[int, float] = {r: 0.0 for r in self.receivers}
        self.category_time = {"downfield": 0.0, "rush": 0.0, "other": 0.0}
        self.sequence: list[tuple[float, int]] = []  # (time, receiver) at every change of the receiver looked at
        self.fixations: list[Fixation] = []
        self.pitches: list[tuple[float, float]] = []  # (duration, head pitch) after the snap
        self._prev: tuple[float, np.ndarray, int, str, str, float] | None = None
        self._run: _Run | None = None
        self._last_receiver = 0
        self.stop_t: float | None = None

    def update(self, t: float, direction: np.ndarray, target: int, zone: str, category: str,
               head_pitch: float) -> None:
        """Add the sample at play time `t`: unit gaze direction, player hit (nfl_id, 0 = none), its zone and
        attention category, and the head pitch (degrees)."""
        d = np.asarray(direction, np.float64)
        prev = self._prev
        if prev is not None:
            self._close_interval(prev, t, d)
        self._prev = (float(t), d, int(target), zone, category, float(head_pitch))

    def _close_interval(self, prev, t: float, d: np.ndarray) -> None:
        t0, d0, target, zone, category, pitch = prev
        if self.stop_t is not None and t0 >= self.stop_t:
            return
        t1 = t if self.stop_t is None else min(t, self.stop_t)
        # fixation state: angular velocity between the two samples
        dt = t - t0
        ang = math.acos(max(-1.0, min(1.0, float(np.dot(d0, d))))) if dt > 0 else 0.0
        slow = dt > 0 and ang / dt < self.ivt
        if slow:
            if self._run is None:
                self._run = _Run(start=t0)
            r = self._run
            r.targets[target] = r.targets.get(target, 0.0) + (t1 - t0)
            r.zones[zone] = r.zones.get(zone, 0.0) + (t1 - t0)
            r.dir_sum += d0
            r.end = t1
        else:
            self._end_run()
        lo = max(t0, 0.0)
        span = t1 - lo
        if span <= 0:
            return
        self.category_time[category] = self.category_time.get(category, 0.0) + span
        self.pitches.append((span, pitch))
        if target in self._rset:
            if self.first_look[target] is None:
                self.first_look[target] = lo
            self.dwell[target] += span
            if target != self._last_receiver:
                self.sequence.append((lo, target))
                self._last_receiver = target

    def _end_run(self) -> None:
        r = self._run
        self._run = None
        if r is None or r.end - r.start < self.min_fix - 1e-9:
            return
        target = max(r.targets.items(), key=lambda kv: kv[1])[0]
        zone = max(r.zones.items(), key=lambda kv: kv[1])[0]
        n = np.linalg.norm(r.dir_sum) or 1.0
        self.fixations.append(Fixation(r.start, r.end, target, zone, tuple(float(v) for v in r.dir_sum / n)))

    def finish(self, end_t: float) -> None:
        """Close the last sample's interval at `end_t` (the decision or the end of the rep)."""
        self.stop_t = end_t
        if self._prev is not None and self._prev[0] < end_t:
            self._close_interval(self._prev, end_t, self._prev[1])
            self._prev = None
        self._end_run()

    def result(self, decision_t: float | None, chosen: int | None = None) -> dict[str, Any]:
        """The metrics as plain data (times in seconds from the snap)."""
        total = sum(self.category_time.values())
        share = {k: (v / total if total > 0 else None) for k, v in self.category_time.items()}
        looked = [r for r, _ in self.sequence]
        reads = max(len(looked) - 1, 0)
        post = [f for f in self.fixations if f.end > 0]
        qe = None
        if decision_t is not None:
            before = [f for f in self.fixations if f.start <= decision_t + 1e-9]
            if before:
                f = before[-1]
                qe = {**f.to_dict(), "onset_before_release": round(decision_t - f.start, 4),
                      "on_chosen": chosen is not None and f.target == chosen}
        pitches = np.array([p for _, p in self.pitches]) if self.pitches else np.zeros(0)
        weights = np.array([w for w, _ in self.pitches]) if self.pitches else np.zeros(0)
        pitch = None
        if len(pitches):
            hist, edges = np.histogram(np.clip(pitches, PITCH_BINS[0], PITCH_BINS[-1] - 1e-6), bins=PITCH_BINS,
                                       weights=weights)
            order = np.argsort(pitches)
            cw = np.cumsum(weights[order]) / weights.sum()
            q = lambda p: float(pitches[order][min(int(np.searchsorted(cw, p)), len(order) - 1)])  # noqa: E731
            pitch = {"mean": round(float(np.average(pitches, weights=weights)), 2), "p10": round(q(0.1), 2),
                     "median": round(q(0.5), 2), "p90": round(q(0.9), 2),
                     "hist_edges": [float(e) for e in edges], "hist_s": [round(float(h), 4) for h in hist]}
        return {
            "window_s": round(total, 4),
            "time_s": {k: round(v, 4) for k, v in self.category_time.items()},
            "share": {k: (None if v is None else round(v, 4)) for k, v in share.items()},
            "first_look": {str(r): (None if v is None else round(v, 4)) for r, v in self.first_look.items()},
            "dwell": {str(r): round(v, 4) for r, v in self.dwell.items()},
            "look_sequence": [{"t": round(t, 4), "nfl_id": r} for t, r in self.sequence],
            "reads": reads,
            "receivers_looked_at": len(set(looked)),
            "fixations": [f.to_dict() for f in post],
            "n_fixations": len(post),
            "quiet_eye": qe,
            "head_pitch": pitch,
        }
