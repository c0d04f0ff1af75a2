"""The completion-probability model at run time: pure numpy, parameters from a JSON file (never pickle).

logit(CP) = trees(context) + pressure term + separation term + undercut term + qb_speed term + time_to_throw term

- `trees`: a gradient-boosted tree ensemble over the throw's geometry and play context (air yards, air distance,
  sideline distance, down, distance, field position, shotgun), fitted on real NFL play-by-play with the QB-hit
  effect held out as a separate fitted logit term (so the trees describe a throw with average pocket conditions
  apart from a hit).
- the separation term is centred on its mean at the throw's air distance (`separation_centre`), because the
  trees already carry the separation typical of each depth.
- the undercut term: a defender who can reach the ball's playable path before the catch point
  (`lane_separation`, see engine/cp/arrival.py) threatens the throw like a defender that close to the catch:
  `undercut_weight * (sep_curve(min(separation, lane_separation)) - sep_curve(separation))` (<= 0; 0 when
  either is unknown), with the weight fitted by cross-validation on real tracked throws (engine/cp/train.py).
- each other term is a piecewise-linear curve in logit units over one feature (knots + values from the params
  file, flat outside the knots, 0 when the feature is NaN = unknown). Each curve's provenance is recorded in the
  params file: fitted on data, or taken from published effect sizes.
- `pressure_distance` NaN means "no pass rusher within 10 yd" (the feature's definition), not unknown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from replay.errors import InputError

# The six throw features every caller can give (the inputs of NFL Next Gen Stats' completion probability, 2018),
# with units.
FEATURES = {
    "air_distance": "yd, release point to catch point",
    "separation": "yd, receiver to nearest defender at the catch",
    "sideline_distance": "yd, catch point to the nearer sideline",
    "pressure_distance": "yd, QB to nearest pass rusher at release; NaN = no rusher within 10 yd",
    "qb_speed": "yd/s, QB speed at release",
    "time_to_throw": "s, snap to release",
}
# Optional tracking feature for the undercut term (NaN or absent = unknown: no undercut term).
LANE = {"lane_separation": "yd, nearest defender to the ball's playable path before the catch point"}
# Optional play-context features the trees also use (NaN when unknown; the trees learned a path for missing).
CONTEXT = {
    "air_yards": "yd, catch point downfield of the line of scrimmage",
    "down": "1-4",
    "ydstogo": "yd to the first down",
    "yardline_100": "yd from the line of scrimmage to the opponent's goal line",
    "shotgun": "1 when the QB took the snap >= 3 yd behind the line (from tracking) or in shotgun, else 0",
}
PRESSURE_MAX = 10.0
CHUNK = 8192  # rows per tree walk in big batches
SMALL_BATCH = 16  # rows up to which the trees are evaluated by leaf bitmasks rather than walked

DEFAULT_PARAMS = Path(__file__).resolve().parents[2] / "assets" / "cp_params.json"


@dataclass
class TreeEnsemble:
    """Binary trees flattened into arrays. Leaves point to themselves so every row walks exactly `depth` steps."""

    feature: np.ndarray  # int32 [nodes]
    threshold: np.ndarray  # float64 [nodes]; go left when x <= threshold
    nan_left: np.ndarray  # bool [nodes]; where NaN goes
    left: np.ndarray  # int32 [nodes]
    right: np.ndarray  # int32 [nodes]
    value: np.ndarray  # float64 [nodes]; leaf values (0 at split nodes)
    roots: np.ndarray  # int32 [trees]
    depth: int
    base: float

    def __post_init__(self) -> None:
        # Run-time layout: one gather per step. Column `feature` of [X with NaN -> -inf | X with NaN -> +inf]
        # sends NaN the learned way with a single `>` test; children interleaved so child = kids[2*node + right].
        self._kids = np.stack([self.left, self.right], axis=1).reshape(-1).astype(np.intp)
        self._thr = np.where(np.isfinite(self.threshold), self.threshold, np.inf)

    def _bitvectors(self) -> tuple | None:
        """Leaf bitmasks for small batches (the QuickScorer layout of Lucchese et al. 2015): each split that sends a
        row right clears the bits of its left subtree's leaves; the exit leaf of a tree is the lowest bit left.
        One pass over all splits instead of a walk of `depth` steps. None when a tree has over 16 leaves."""
        if "_qs" in self.__dict__:
            return self.__dict__["_qs"]
        left, right = self.left, self.right
        splits, masks, starts, leaf_nodes, leaf_off = [], [], [], [], []

        def leaves(n: int) -> list[int]:
            return [n] if left[n] == n else leaves(int(left[n])) + leaves(int(right[n]))

        def inner(n: int) -> list[int]:
            return [] if left[n] == n else [n, *inner(int(left[n])), *inner(int(right[n]))]

        qs: tuple | None = None
        for r in self.roots:
            lv = leaves(int(r))
            if len(lv) > 16:
                break
            pos = {n: i for i, n in enumerate(lv)}
            leaf_off.append(len(leaf_nodes))
            leaf_nodes += lv
            starts.append(len(splits))
            nodes = inner(int(r))
            if not nodes:  # a single leaf: one split that never clears a bit (its threshold is never exceeded)
                splits.append(-1)
                masks.append(0xFFFF)
            for n in nodes:
                m = 0xFFFF
                for leaf in leaves(int(left[n])):
                    m &= ~(1 << pos[leaf])
                splits.append(n)
                masks.append(m)
        else:
            lowest = np.zeros(1 << 16, np.intp)
            v = np.arange(1, 1 << 16)
            lowest[1:] = np.log2(v & -v).round().astype(np.intp)
            sp = np.array(splits, np.intp)
            feat = np.where(sp >= 0, self.feature[sp], 0).astype(np.intp)
            cols: dict[int, np.ndarray] = {}  # split columns of [X with NaN -> -inf | +inf], per feature count
            thr = np.where(sp >= 0, self._thr[sp], np.inf)
            qs = (sp, feat, thr, cols, np.array(masks, np.uint16), np.array(starts, np.intp),
                  np.array(leaf_off, np.intp), self.value[np.array(leaf_nodes, np.intp)], lowest)
        self.__dict__["_qs"] = qs
        return qs

    def _margin_bits(self, X: np.ndarray, qs: tuple) -> np.ndarray:
        sp, feat, thr, cols, masks, starts, offs, leaf_value, lowest = qs
        n, nf = X.shape
        nan = np.isnan(X)
        if nan.any():
            if nf not in cols:
                cols[nf] = np.where(sp >= 0, self._cols(nf)[sp], 0)
            both = np.concatenate([np.where(nan, -np.inf, X), np.where(nan, np.inf, X)], axis=1).reshape(-1)
            x = both[(np.arange(n, dtype=np.intp) * (2 * nf))[:, None] + cols[nf]]
        else:
            x = X.reshape(-1)[(np.arange(n, dtype=np.intp) * nf)[:, None] + feat]
        bits = np.bitwise_and.reduceat(np.where(x > thr, masks, np.uint16(0xFFFF)), starts, axis=1)
        return leaf_value[offs + lowest[bits]].sum(axis=1) + self.base

    def _cols(self, n_features: int) -> np.ndarray:
        cache = self.__dict__.setdefault("_col_cache", {})
        if n_features not in cache:
            cache[n_features] = (self.feature + np.where(self.nan_left, 0, n_features)).astype(np.intp)
        return cache[n_features]

    def margin(self, X: np.ndarray) -> np.ndarray:
        """Sum of leaf values (logit units) for rows of X [N, F]; NaN follows each split's learned default."""
        n, nf = X.shape
        if n <= SMALL_BATCH and (qs := self._bitvectors()) is not None:
            return self._margin_bits(X, qs)
        nan = np.isnan(X)
        both = np.concatenate([np.where(nan, -np.inf, X), np.where(nan, np.inf, X)], axis=1).reshape(-1)
        cols = self._cols(nf)
        row_off = (np.arange(n, dtype=np.intp) * (2 * nf))[:, None]
        node = np.broadcast_to(self.roots.astype(np.intp), (n, len(self.roots)))
        kids, thr = self._kids, self._thr
        for _ in range(self.depth):
            right = both[row_off + cols[node]] > thr[node]
            node = kids[2 * node + right]
        return self.value[node].sum(axis=1) + self.base

    def specialise(self, fixed: Mapping[int, float]) -> "TreeEnsemble":
        """The same ensemble with the splits on features held at `fixed` values ({feature index: value}, NaN
        follows the learned default) resolved: fewer nodes and levels to walk, the same leaves in the same tree
        order, so `margin` gives the same values for rows that hold those values."""
        feature, thr, nan_left, left, right, value = (self.feature, self.threshold, self.nan_left, self.left,
                                                      self.right, self.value)
        out: dict[str, list] = {k: [] for k in ("feature", "threshold", "nan_left", "left", "right", "value")}
        depth = 0

        def add(n: int, d: int) -> int:
            nonlocal depth
            while left[n] != n and int(feature[n]) in fixed:
                v = fixed[int(feature[n])]
                n = int(left[n] if (nan_left[n] if v != v else v <= thr[n]) else right[n])
            k = len(out["feature"])
            for key, v in (("feature", feature[n]), ("threshold", thr[n]), ("nan_left", nan_left[n]),
                           ("left", k), ("right", k), ("value", value[n])):
                out[key].append(v)
            if left[n] == n:
                depth = max(depth, d)
                return k
            out["left"][k] = add(int(left[n]), d + 1)
            out["right"][k] = add(int(right[n]), d + 1)
            return k

        roots = [add(int(r), 0) for r in self.roots]
        return TreeEnsemble(np.array(out["feature"], np.int32), np.array(out["threshold"], np.float64),
                            np.array(out["nan_left"], bool), np.array(out["left"], np.int32),
                            np.array(out["right"], np.int32), np.array(out["value"], np.float64),
                            np.array(roots, np.int32), depth, self.base)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], where: str) -> "TreeEnsemble":
        try:
            arrs = dict(
                feature=np.asarray(d["feature"], np.int32), threshold=np.asarray(d["threshold"], np.float64),
                nan_left=np.asarray(d["nan_left"], bool), left=np.asarray(d["left"], np.int32),
                right=np.asarray(d["right"], np.int32), value=np.asarray(d["value"], np.float64))
            roots = np.asarray(d["roots"], np.int32)
            depth, base = int(d["depth"]), float(d["base"])
        except (KeyError, TypeError, ValueError) as e:
            raise InputError(where, f"tree ensemble is malformed: {e}") from None
        n = len(arrs["feature"])
        if any(len(a) != n for a in arrs.values()) or n == 0:
            raise InputError(where, "tree ensemble arrays differ in length", expected="equal-length node arrays")
        for k in ("left", "right"):
            if arrs[k].min() < 0 or arrs[k].max() >= n:
                raise InputError(where, f"tree ensemble {k!r} points outside the node arrays")
        if roots.min() < 0 or roots.max() >= n:
            raise InputError(where, "tree ensemble roots point outside the node arrays")
        return cls(**arrs, roots=roots, depth=depth, base=base)

    def to_dict(self) -> dict[str, Any]:
        return dict(feature=self.feature.tolist(), threshold=[float(v) for v in self.threshold],
                    nan_left=self.nan_left.astype(int).tolist(), left=self.left.tolist(),
                    right=self.right.tolist(), value=[float(v) for v in self.value], roots=self.roots.tolist(),
                    depth=self.depth, base=self.base)


@dataclass
class Curve:
    """A piecewise-linear logit term over one feature; flat outside the knots; NaN input -> `nan_value`."""

    knots: np.ndarray
    values: np.ndarray
    nan_value: float = 0.0

    @property
    def is_zero(self) -> bool:
        return not np.any(self.values) and self.nan_value == 0.0

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, np.float64)
        out = np.interp(x, self.knots, self.values)  # NaN in -> NaN out
        return np.where(out == out, out, self.nan_value)


class CPModel:
    """Completion probability from throw features. Load once (`CPModel.load()`), call `predict` per batch."""

    def __init__(self, params: Mapping[str, Any], source: str = "<params>"):
        self.source = source
        try:
            self.tree_features: list[str] = list(params["tree_features"])
            self.trees = TreeEnsemble.from_dict(params["trees"], source)
            self.curves: dict[str, Curve] = {}
            self.centre: Curve | None = None
            self.centre_over = "air_distance"
            for name, c in params["curves"].items():
                knots = np.asarray(c["knots"], np.float64)
                values = np.asarray(c["logit"], np.float64)
                if knots.ndim != 1 or knots.shape != values.shape or len(knots) < 2 or np.any(np.diff(knots) <= 0):
                    raise InputError(source, f"curve {name!r}: knots must increase and match the logit values")
                curve = Curve(knots, values, float(c.get("nan_logit", 0.0)))
                if name == "separation_centre":
                    self.centre, self.centre_over = curve, str(c.get("over", "air_distance"))
                else:
                    self.curves[name] = curve
        except (KeyError, TypeError, ValueError) as e:
            raise InputError(source, f"CP params are malformed: {e!r}",
                             expected="tree_features, trees, curves (see engine/cp/train.py)") from None
        try:
            self.undercut_weight = float(params.get("undercut", {}).get("weight", 0.0))
        except (AttributeError, TypeError, ValueError):
            raise InputError(source, "undercut must be an object with a numeric weight") from None
        if self.undercut_weight and "separation" not in self.curves:
            raise InputError(source, "an undercut weight needs a separation curve")
        unknown = set(self.curves) - set(FEATURES)
        if unknown:
            raise InputError(source, f"curves over unknown features {sorted(unknown)}", expected=str(list(FEATURES)))
        self.params = dict(params)
        self._cols = {f: i for i, f in enumerate(self.tree_features)}
        self._active_curves = [(f, c) for f, c in self.curves.items() if not c.is_zero]
        # the feature names this model reads (callers may pass only these)
        self.inputs = list(dict.fromkeys([*self.tree_features, *self.curves, "separation", self.centre_over,
                                          *LANE]))

    @classmethod
    def load(cls, path: str | Path | None = None) -> "CPModel":
        path = Path(path) if path else DEFAULT_PARAMS
        try:
            params = json.loads(path.read_text())
        except FileNotFoundError:
            raise InputError(path, "CP params file not found (run `qbvr cp train`)") from None
        except (OSError, ValueError) as e:
            raise InputError(path, f"not a readable JSON params file: {e}") from None
        if not isinstance(params, dict) or params.get("format") != "qbvr-cp-params":
            raise InputError(path, "not a qbvr CP params file", expected='"format": "qbvr-cp-params"')
        return cls(params, str(path))

    def logit(self, feats: Mapping[str, Any]) -> np.ndarray:
        """Logit of CP for a batch: `feats` maps feature names to equal-length arrays (missing names = NaN)."""
        n = _batch_len(feats)
        if n > CHUNK:  # bounded memory and cache-friendly walks for big batches (cp score)
            keys = list(feats)
            return np.concatenate([self.logit({k: np.asarray(feats[k]).reshape(-1)[i:i + CHUNK] for k in keys})
                                   for i in range(0, n, CHUNK)])
        X = np.full((n, len(self.tree_features)), np.nan)
        for f, j in self._cols.items():
            if f in feats:
                X[:, j] = np.asarray(feats[f], np.float64).reshape(-1)
        z = self.trees.margin(X)
        for f, curve in self._active_curves:
            if f in feats:
                z += curve(np.asarray(feats[f], np.float64).reshape(-1))
        if self.centre is not None and not self.centre.is_zero and "separation" in feats and self.centre_over in feats:
            known = ~np.isnan(np.asarray(feats["separation"], np.float64).reshape(-1))
            z -= np.where(known, self.centre(np.asarray(feats[self.centre_over], np.float64).reshape(-1)), 0.0)
        if self.undercut_weight and "separation" in feats and "lane_separation" in feats:
            z += self.undercut_weight * undercut(self.curves["separation"],
                                                 np.asarray(feats["separation"], np.float64).reshape(-1),
                                                 np.asarray(feats["lane_separation"], np.float64).reshape(-1))
        return z

    def logit_rows(self, M: np.ndarray, columns: Mapping[str, int],
                   fixed: Mapping[str, float] | None = None) -> np.ndarray:
        """`logit` for the rows of a matrix M [N, K] whose columns `columns` names (the per-instant fast path:
        one gather for the trees, no per-feature copies). `fixed`: features that hold one value in every row
        (a play's context), whose tree splits are resolved once (`TreeEnsemble.specialise`, kept for the few
        most recent `columns`/`fixed` dicts: pass the same dict objects again, and don't change them). Same values
        as `logit` on the named columns."""
        plans = self.__dict__.setdefault("_plans", {})
        entry = plans.get((id(columns), id(fixed)))  # the same dicts are passed again for the same play
        if entry is None or entry[0] is not columns or entry[1] is not fixed:
            if len(plans) >= 8:
                plans.pop(next(iter(plans)))
            entry = plans[(id(columns), id(fixed))] = (columns, fixed, self._plan(columns, fixed or {}))
        plan = entry[2]
        if plan is False:
            return self.logit({k: M[:, j] for k, j in columns.items()})
        trees, tree_cols, curves, sep, lane, over = plan
        z = trees.margin(M[:, tree_cols])
        for j, curve in curves:
            z += curve(M[:, j])
        if sep is None:
            return z
        g = self.curves.get("separation")
        s = M[:, sep]
        if g is not None and over is not None and lane is not None and not np.isnan(M[:, [sep, lane, over]]).any():
            # the separation, centre and undercut terms when all three inputs are known, in `logit`'s order
            gs = np.interp(s, g.knots, g.values)
            z += gs
            z -= np.interp(M[:, over], self.centre.knots, self.centre.values)
            if self.undercut_weight:
                z += self.undercut_weight * (np.interp(np.minimum(s, M[:, lane]), g.knots, g.values) - gs)
            return z
        if g is not None and not g.is_zero:
            z += g(s)
        known = s == s
        if over is not None:
            z -= np.where(known, self.centre(M[:, over]), 0.0)
        if lane is not None and self.undercut_weight:
            z += self.undercut_weight * undercut(g, s, M[:, lane])
        return z

    def _plan(self, columns: Mapping[str, int], fixed: Mapping[str, float]) -> Any:
        if any(f not in columns for f in self.tree_features):
            return False
        tree_cols = np.array([columns[f] for f in self.tree_features], np.intp)
        held = {j: float(fixed[f]) for j, f in enumerate(self.tree_features) if f in fixed}
        trees = self.trees.specialise(held) if held else self.trees
        curves = [(columns[f], c) for f, c in self._active_curves if f in columns and f != "separation"]
        sep = columns.get("separation")
        over = columns.get(self.centre_over) if self.centre is not None and not self.centre.is_zero else None
        return trees, tree_cols, curves, sep, columns.get("lane_separation"), over

    def predict(self, feats: Mapping[str, Any]) -> np.ndarray:
        """CP in [0, 1] for each row of the batch."""
        return 1.0 / (1.0 + np.exp(-self.logit(feats)))


def undercut(sep_curve: Curve, separation: np.ndarray, lane: np.ndarray) -> np.ndarray:
    """Separation-curve change (logit, <= 0) when the nearest defender to the ball's playable path is closer
    than the nearest one to the catch point; 0 when either is unknown (NaN)."""
    u = sep_curve(np.minimum(separation, lane)) - sep_curve(separation)
    return np.where(np.isnan(separation) | np.isnan(lane), 0.0, u)


def _batch_len(feats: Mapping[str, Any]) -> int:
    sizes = {k: np.size(v) for k, v in feats.items()}
    n = next(iter(sizes.values()), 0)
    for k, m in sizes.items():
        if m != n:
            raise ValueError(f"feature {k!r} has {m} rows, expected {n}")
    return n


_DEFAULT: CPModel | None = None


def default_model() -> CPModel:
    """The shipped model (assets/cp_params.json), loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = CPModel.load()
    return _DEFAULT
