"""Fit the throw outcome model (engine/outcome.py) and write `assets/outcome_params.json`.

    python tools/fit_outcome.py --store DIR [--bdb2019 plays.csv] [--out assets/outcome_params.json]

On every real throw in the store: the CP of the real target at the real release (engine/cp), the real separation
when the ball arrived (nearest defender to the ball's landing spot at the arrival event) and the real result.
- sep_slope: logistic regression of completion on the capped separation with logit(CP) as offset; sep_centre is
  the throws' mean separation, so on average the correction leaves CP as it is (the store's plays are highlights,
  far from a random sample of attempts: only the slope is taken from them);
- int_c1: logistic slope of interception on separation over the throws;
- int_c0: solved so the predicted interception share over the throws equals the share of attempts in the BDB
  2019 play table (PassResult IN / (C + I + IN)).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from scipy import optimize

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.cp.timeline import cp_at  # noqa: E402
from engine.outcome import PARAMS_PATH, SEP_CAP, OutcomeParams, probabilities  # noqa: E402
from replay.events import ARRIVAL_EVENTS  # noqa: E402
from replay.roles import release_time  # noqa: E402
from replay.store import PlayStore  # noqa: E402
from replay.timebase import sample_ball_track, sample_tracks  # noqa: E402


def throws(store: PlayStore) -> list[tuple[float, float, str]]:
    """(CP of the real target at release, real separation at arrival, result C/I/IN) of every real throw."""
    out = []
    for k, s in sorted(store.index().items()):
        if s.get("play_type") != "pass":
            continue
        p = store.load(k)
        tr, tgt = release_time(p), p.meta.target_nfl_id
        arr = [float(p.t[i]) for i, e in p.events if tr is not None and e in ARRIVAL_EVENTS and p.t[i] > tr]
        if tr is None or not arr or tgt is None or p.meta.pass_result not in ("C", "I", "IN"):
            continue
        cp = cp_at(p, tr).get(int(tgt))
        if cp is None:
            continue
        bx, by = sample_ball_track(p, np.array([min(arr)]))
        tk = sample_tracks(p, np.array([min(arr)]))
        d = p.players_where(side="def")
        sep = float(np.nanmin(np.hypot(tk.x[0, d] - bx[0], tk.y[0, d] - by[0])))
        if np.isfinite(sep):
            out.append((float(cp), sep, p.meta.pass_result))
    return out


def _logistic(x: np.ndarray, y: np.ndarray, offset: np.ndarray) -> tuple[float, float]:
    def nll(th: np.ndarray) -> float:
        z = offset + th[0] + th[1] * x
        return float(np.sum(np.logaddexp(0, z) - y * z) + 0.01 * th[1] ** 2)
    r = optimize.minimize(nll, np.zeros(2), method="BFGS")
    return float(r.x[0]), float(r.x[1])


def main(argv: list[str] | None = None) -> int:
    root = os.environ.get("QBVR_SHARED_DATA")
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", required=True)
    ap.add_argument("--bdb2019", default=str(Path(root) / "bdb2019" / "plays.csv") if root else None)
    ap.add_argument("--out", default=str(PARAMS_PATH))
    args = ap.parse_args(argv)
    import pandas as pd

    table = pd.read_csv(args.bdb2019, usecols=["PassResult"])
    att = table.PassResult.isin(["C", "I", "IN"])
    int_share = float((table.PassResult == "IN").sum() / att.sum())
    rows = throws(PlayStore(args.store))
    cp = np.array([r[0] for r in rows])
    sep = np.minimum(np.array([r[1] for r in rows]), SEP_CAP)
    res = np.array([r[2] for r in rows])
    logit = np.log(np.clip(cp, 1e-4, 1 - 1e-4) / np.clip(1 - cp, 1e-4, 1))
    _, slope = _logistic(sep, (res == "C").astype(float), logit)
    _, c1 = _logistic(sep, (res == "IN").astype(float), np.zeros(len(sep)))
    centre = float(sep.mean())

    def share(c0: float) -> float:
        return float(probabilities(cp, sep, OutcomeParams(slope, centre, c0, c1))[1].mean()) - int_share
    c0 = float(optimize.brentq(share, -20, 20))
    fitted = OutcomeParams(slope, centre, c0, c1)
    pc, pint = probabilities(cp, sep, fitted)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    doc = {"format": "qbvr-outcome-params",
           "params": {"sep_slope": round(slope, 5), "sep_centre": round(centre, 5), "int_c0": round(c0, 5),
                      "int_c1": round(c1, 5), "breakup_yd": fitted.breakup_yd},
           "provenance": {"created_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                          "code": "tools/fit_outcome.py", "git_commit": commit or None,
                          "python": platform.python_version(),
                          "throws": {"n": len(rows), "C": int((res == "C").sum()), "I": int((res == "I").sum()),
                                     "IN": int((res == "IN").sum()),
                                     "source": "real throws of the NGS highlight plays (2017-2018) in the store"},
                          "interception_share_target": round(int_share, 5),
                          "interception_share_source": "BDB 2019 plays.csv (2017 weeks 1-6): IN / (C + I + IN) "
                                                       f"= {int((table.PassResult == 'IN').sum())} / {int(att.sum())}",
                          "check": {"mean_cp": round(float(cp.mean()), 4),
                                    "mean_p_complete": round(float(pc.mean()), 4),
                                    "mean_p_intercept": round(float(pint.mean()), 4),
                                    "observed_complete": round(float((res == 'C').mean()), 4)},
                          "breakup_yd": "arm's reach: a defender within 1 yd of the catch point plays the ball"}}
    Path(args.out).write_text(json.dumps(doc, indent=1) + "\n")
    print(json.dumps(doc["params"]), json.dumps(doc["provenance"]["check"]))
    print(f"wrote {args.out} from {len(rows)} throws")
    return 0


if __name__ == "__main__":
    sys.exit(main())
