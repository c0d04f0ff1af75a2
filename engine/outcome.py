"""What happens to a thrown ball when it arrives: complete, incomplete, intercepted or broken up.

Drawn from a seed (recorded in the session, so a rep replays identically) with
- P(complete) = sigmoid(logit(CP at release) + sep_slope * (min(separation, SEP_CAP) - sep_centre)): the CP of
  the throw when it left the hand, corrected by how close the nearest defender really got to the catch point
  when the ball arrived (the model's tracks);
- P(intercepted | not complete) = sigmoid(int_c0 + int_c1 * min(separation, SEP_CAP)): closer defenders pick
  more balls off; `int_c0` is calibrated so interceptions are the league's share of attempts;
- the rest is broken up when a defender is within arm's reach of the catch point, else incomplete.
The parameters come from `tools/fit_outcome.py` (assets/outcome_params.json, with provenance).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from replay.errors import InputError, read_json_file

PARAMS_PATH = Path(__file__).resolve().parents[1] / "assets" / "outcome_params.json"
OUTCOMES = ("complete", "incomplete", "intercepted", "broken_up")
SEP_CAP = 5.0  # yd: beyond this the nearest defender no longer changes the catch


@dataclass(frozen=True)
class OutcomeParams:
    sep_slope: float = 0.5
    sep_centre: float = 2.0
    int_c0: float = -1.0
    int_c1: float = -0.5
    breakup_yd: float = 1.0
    provenance: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Outcome:
    result: str  # one of OUTCOMES
    p_complete: float
    p_intercept: float  # of the attempt
    separation: float  # yd, nearest defender to the catch point at the arrival
    draw: float  # the uniform number the result was decided by


def _sigmoid(z: np.ndarray | float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(z, np.float64)))


def _logit(p: np.ndarray | float) -> np.ndarray:
    p = np.clip(np.asarray(p, np.float64), 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def probabilities(cp: np.ndarray | float, separation: np.ndarray | float,
                  params: OutcomeParams | None = None) -> tuple[np.ndarray, np.ndarray]:
    """P(complete) and P(intercepted) (of the attempt) for throws with CP `cp` at release and `separation` yd."""
    p = params or default_outcome_params()
    sep = np.minimum(np.nan_to_num(np.asarray(separation, np.float64), nan=SEP_CAP, posinf=SEP_CAP), SEP_CAP)
    pc = _sigmoid(_logit(cp) + p.sep_slope * (sep - p.sep_centre))
    pint = (1 - pc) * _sigmoid(p.int_c0 + p.int_c1 * sep)
    return pc, pint


def decide(cp: float, separation: float, seed: int, params: OutcomeParams | None = None) -> Outcome:
    """The outcome of one throw, drawn from `seed` (same inputs and seed, same outcome)."""
    p = params or default_outcome_params()
    pc, pint = (float(v) for v in probabilities(cp, separation, p))
    u = float(np.random.default_rng(seed).random())
    if u < pc:
        res = "complete"
    elif u < pc + pint:
        res = "intercepted"
    else:
        res = "broken_up" if separation <= p.breakup_yd else "incomplete"
    return Outcome(res, pc, pint, float(separation), u)


def load_outcome_params(path: Path | str | None = None) -> OutcomeParams:
    p = Path(path) if path is not None else PARAMS_PATH
    d = read_json_file(p, "outcome params JSON (tools/fit_outcome.py)")
    vals = {}
    for k in ("sep_slope", "sep_centre", "int_c0", "int_c1", "breakup_yd"):
        v = d.get("params", {}).get(k)
        if not isinstance(v, (int, float)):
            raise InputError(p, f"params.{k} is {v!r}", expected="a number")
        vals[k] = float(v)
    return OutcomeParams(**vals, provenance=dict(d.get("provenance", {})))


@lru_cache(maxsize=1)
def default_outcome_params() -> OutcomeParams:
    return load_outcome_params()
