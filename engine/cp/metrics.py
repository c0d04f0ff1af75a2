"""Scores of probabilistic predictions: AUC, Brier score, log loss and calibration error (the nflfastR method:
predictions binned at 0.05, |mean prediction - observed rate| per bin, weighted by the bin's count)."""

from __future__ import annotations

import numpy as np

BIN_WIDTH = 0.05


def auc(y: np.ndarray, p: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney, ties averaged)."""
    y = np.asarray(y, bool)
    p = np.asarray(p, np.float64)
    n1, n0 = int(y.sum()), int((~y).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    order = np.argsort(p, kind="mergesort")
    ranks = np.empty(len(p))
    sp = p[order]
    # average ranks over ties
    _, first, counts = np.unique(sp, return_index=True, return_counts=True)
    avg = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(avg, counts)
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0))


def brier(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean((np.asarray(p, np.float64) - np.asarray(y, np.float64)) ** 2))


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(np.asarray(p, np.float64), 1e-12, 1 - 1e-12)
    y = np.asarray(y, np.float64)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))


def reliability(y: np.ndarray, p: np.ndarray, width: float = BIN_WIDTH) -> dict[str, np.ndarray]:
    """Per 0.05 bin: count, mean prediction, observed rate (bins without predictions are dropped)."""
    p = np.asarray(p, np.float64)
    y = np.asarray(y, np.float64)
    nb = int(round(1 / width))
    b = np.minimum((p / width).astype(np.int64), nb - 1)
    n = np.bincount(b, minlength=nb)
    sp = np.bincount(b, weights=p, minlength=nb)
    sy = np.bincount(b, weights=y, minlength=nb)
    keep = n > 0
    return {"lo": np.arange(nb)[keep] * width, "n": n[keep], "pred": sp[keep] / n[keep], "obs": sy[keep] / n[keep]}


def calibration_error(y: np.ndarray, p: np.ndarray, width: float = BIN_WIDTH) -> float:
    r = reliability(y, p, width)
    return float(np.sum(r["n"] * np.abs(r["pred"] - r["obs"])) / np.sum(r["n"]))


def summary(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    return {"n": float(len(y)), "auc": auc(y, p), "brier": brier(y, p), "log_loss": log_loss(y, p),
            "calibration_error": calibration_error(y, p), "mean_cp": float(np.mean(p)),
            "observed_rate": float(np.mean(y))}
