"""The continuation model's fitted parameters (`assets/continuation_params.json`, written by
`tools/fit_continuation.py` with its provenance): per group the learned displacement corrections, and the
measured human limits, shed times and post-throw reactions."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError, read_json_file
from .features import FEATURES, GROUPS

PARAMS_PATH = Path(__file__).resolve().parents[2] / "assets" / "continuation_params.json"
FORMAT = "qbvr-continuation-params"


@dataclass
class GroupModel:
    """Ridge corrections of one group: residual displacement after k steps = ((X - mean) / scale) @ W[:, k]."""

    mean: np.ndarray  # [F]
    scale: np.ndarray  # [F]
    W: np.ndarray  # [F, K, 2]
    v_max: float  # yd/s, top speed measured in the group (99.5th percentile)
    a_max: float  # yd/s^2, top acceleration measured in the group (99th percentile)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Residual displacements `[N, K, 2]` for features `[N, F]`."""
        Z = (X - self.mean) / self.scale
        return np.tensordot(Z, self.W, axes=(1, 0))


@dataclass
class ContinuationParams:
    groups: dict[str, GroupModel]
    dt: float = 0.1
    replan_s: float = 0.5  # s between re-anchoring the learned plan on the model's own state
    arm_reach_yd: float = 1.0  # a rusher this close to the QB has him: a sack
    shed_log_mu: float = 0.5  # log-normal shed time (s) of an engaged rusher
    shed_log_sigma: float = 0.8
    pursuit_speed: float = 6.0  # yd/s, closing speed of a free rusher
    pursuit_blend: float = 0.0  # share of a free rusher's velocity steered straight at the QB
    reaction_s: float = 0.3  # s before defenders break on a thrown ball
    break_radius_yd: float = 30.0  # defenders this close to the catch point break on the ball (grid-searched on
    break_speed: float = 7.0  # yd/s      the ball-in-the-air task of the real throws, tools/fit_continuation.py)
    others_slow_s: float = 3.0  # s for the receivers not thrown to to slow to a stop
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def horizon_steps(self) -> int:
        return next(iter(self.groups.values())).W.shape[1]


def _arr(d: dict, key: str, path: Path) -> np.ndarray:
    try:
        return np.asarray(d[key], np.float64)
    except (KeyError, TypeError, ValueError):
        raise InputError(path, f"missing or malformed {key!r}", expected="an array of numbers") from None


def params_from_dict(d: dict[str, Any], path: Path = PARAMS_PATH) -> ContinuationParams:
    """Parameters from their JSON form (one-line errors naming the field on bad input)."""
    if d.get("format") != FORMAT:
        raise InputError(path, f"format is {d.get('format')!r}", expected=FORMAT)
    if list(d.get("features", [])) != list(FEATURES):
        raise InputError(path, "features differ from the model's", expected=", ".join(FEATURES))
    groups = {}
    for g in GROUPS:
        gd = d.get("groups", {}).get(g)
        if not isinstance(gd, dict):
            raise InputError(path, f"group {g!r} is missing", expected="a map with mean, scale, W, v_max, a_max")
        W = _arr(gd, "W", path)
        if W.ndim != 3 or W.shape[0] != len(FEATURES) or W.shape[2] != 2:
            raise InputError(path, f"groups.{g}.W has shape {W.shape}", expected=f"({len(FEATURES)}, K, 2)")
        groups[g] = GroupModel(_arr(gd, "mean", path), _arr(gd, "scale", path), W, float(gd["v_max"]),
                               float(gd["a_max"]))
    scalars = {k: float(v) for k, v in d.get("scalars", {}).items() if k in ContinuationParams.__dataclass_fields__}
    return ContinuationParams(groups=groups, provenance=dict(d.get("provenance", {})), **scalars)


def params_to_dict(p: ContinuationParams) -> dict[str, Any]:
    scalars = {k: getattr(p, k) for k in ContinuationParams.__dataclass_fields__ if k not in ("groups", "provenance")}
    return {"format": FORMAT, "features": list(FEATURES), "provenance": p.provenance, "scalars": scalars,
            "groups": {g: {"mean": m.mean.round(6).tolist(), "scale": m.scale.round(6).tolist(),
                           "W": m.W.round(6).tolist(), "v_max": m.v_max, "a_max": m.a_max}
                       for g, m in p.groups.items()}}


def load_params(path: Path | str | None = None) -> ContinuationParams:
    """Parameters from `path` (default: the shipped assets file)."""
    p = Path(path) if path is not None else PARAMS_PATH
    return params_from_dict(read_json_file(p, "continuation params JSON (tools/fit_continuation.py)"), p)


@lru_cache(maxsize=1)
def default_params() -> ContinuationParams:
    """The shipped parameters, loaded once per process."""
    return load_params()
