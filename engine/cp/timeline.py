"""CP for every eligible receiver of a play: at one instant (`cp_at`) and every 0.1 s from the snap to the
release or the end of the dropback (`cp_timeline`). Both run the same feature code and model, so a trainee's
score at an instant equals the timeline's value there."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from replay.play import Play
from replay.roles import dropback_end

from .features import NotAPassPlay, PlayThrowContext
from .model import CPModel, default_model

_CACHE: list[tuple[Play, PlayThrowContext]] = []  # most recent first; a frame loop asks about one play at a time
_CACHE_SIZE = 4


def context_for(play: Play) -> PlayThrowContext:
    """The play's throw context, built once and reused while the same Play object is asked about (the few most
    recent plays are kept; a Play's arrays are not expected to change after it is loaded)."""
    if _CACHE and _CACHE[0][0] is play:
        return _CACHE[0][1]
    for i, (p, ctx) in enumerate(_CACHE):
        if p is play:
            _CACHE.insert(0, _CACHE.pop(i))
            return ctx
    ctx = PlayThrowContext.build(play)
    ctx.prepare(dropback_end(play))  # projects the decision window's frames now, not at the first instant asked
    _CACHE.insert(0, (play, ctx))
    del _CACHE[_CACHE_SIZE:]
    return ctx


def cp_matrix(play: Play, t: np.ndarray, model: CPModel | None = None) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """CP [T, R] for throws at times `t` to every eligible receiver (columns in `eligible nfl_ids` order),
    and the features it came from."""
    ctx = context_for(play)
    rows = ctx.rows(t)
    cp = _predict_rows(ctx, rows, model)
    return cp, {k: rows[..., j] for k, j in ctx.columns.items()}


def _predict_rows(ctx: PlayThrowContext, rows: np.ndarray, model: CPModel | None) -> np.ndarray:
    m = model or default_model()
    t, r, k = rows.shape
    z = m.logit_rows(rows.reshape(t * r, k), ctx.columns, ctx.context)
    return (1.0 / (1.0 + np.exp(-z))).reshape(t, r)


def cp_at(play: Play, t: float, model: CPModel | None = None) -> dict[int, float]:
    """CP of a throw released at time `t` (s from the snap) to each eligible receiver: {nfl_id: cp}."""
    ctx = context_for(play)
    cp = _predict_rows(ctx, ctx.rows(float(t)), model)
    return dict(zip(ctx.nfl_ids_list, cp[0].tolist()))


@dataclass
class CPTimeline:
    """CP for each eligible receiver at each instant: `cp[T, R]` at times `t[T]` for receivers `nfl_ids[R]`."""

    key: str
    t: np.ndarray
    nfl_ids: np.ndarray
    names: list[str]
    positions: list[str]
    cp: np.ndarray
    release_t: float | None
    target: int | None
    features: dict[str, np.ndarray] = field(repr=False, default_factory=dict)

    def at(self, t: float) -> dict[int, float]:
        i = int(np.argmin(np.abs(self.t - t)))
        return {int(n): float(p) for n, p in zip(self.nfl_ids, self.cp[i])}

    def to_dict(self) -> dict[str, Any]:
        return {
            "play": self.key, "release_t": self.release_t, "target": self.target,
            "t": [round(float(v), 3) for v in self.t],
            "receivers": [{"nfl_id": int(n), "name": nm, "position": p, "cp": [round(float(v), 4) for v in col]}
                          for n, nm, p, col in zip(self.nfl_ids, self.names, self.positions, self.cp.T)],
        }


def timeline_times(play: Play, step: float = 0.1) -> np.ndarray:
    """Instants from the snap to the release (else the end of the dropback), every `step` s; the play's own
    frame times when step is 0.1 s (10 Hz), so values match `cp_at` at those instants exactly."""
    end = dropback_end(play)
    if abs(step - 0.1) < 1e-9:
        t = play.t[(play.t >= -1e-6) & (play.t <= end + 1e-6)].astype(np.float64)
        if len(t):
            return t
    return np.arange(0.0, end + 1e-9, step)


def cp_timeline(play: Play, step: float = 0.1, model: CPModel | None = None) -> CPTimeline:
    """CP for every eligible receiver every `step` s from the snap to the release or the end of the play."""
    ctx = context_for(play)
    t = timeline_times(play, step)
    if len(t) == 0:
        raise NotAPassPlay(f"play {play.key}: no frames between the snap and the end of the dropback")
    cp, feats = cp_matrix(play, t, model)
    r = play.roster
    return CPTimeline(play.key, t, ctx.nfl_ids.copy(), [str(r.name[i]) for i in ctx.receivers],
                      [str(r.position[i]) for i in ctx.receivers], cp, ctx.release_t,
                      play.meta.target_nfl_id, feats)
