"""Completion probability (CP): the chance that a throw released now to a receiver is completed.

Stable API (pure numpy at run time, parameters in assets/cp_params.json):
- `cp_at(play, t) -> {nfl_id: cp}` for every eligible receiver at one instant (s from the snap);
- `cp_timeline(play, step=0.1) -> CPTimeline` with `.t [T]`, `.nfl_ids [R]`, `.cp [T, R]`, `.release_t`, `.target`;
- `CPModel.load(path).predict({feature: array})` for the six named throw features (`FEATURES`).
"""

from .model import CONTEXT, FEATURES, CPModel, default_model
from .timeline import CPTimeline, cp_at, cp_timeline

__all__ = ["CONTEXT", "FEATURES", "CPModel", "CPTimeline", "cp_at", "cp_timeline", "default_model"]
