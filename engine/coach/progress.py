"""An athlete's progress over sessions and reps: PNG plots and one self-contained HTML page (the plots embedded,
so it opens from disk in any browser with no server) - decision time, best-choice rate, CP chosen against the
best available, eyes-downfield share, reads and sacks per session, decision time per rep, and per-play
comparisons where a drill play was repeated."""

from __future__ import annotations

import base64
import html
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from replay.atomic import write_atomic

from .athletes import SessionInfo

WIDTH, HEIGHT, DPI = 7.5, 3.4, 110


def _mean(values) -> float | None:
    v = [float(x) for x in values if x is not None]
    return sum(v) / len(v) if v else None


def session_metrics(s: SessionInfo) -> dict[str, Any]:
    """The per-session figures the page plots."""
    reps = s.summary.get("reps") or []
    throws = [r for r in reps if r["score"]["outcome"] == "throw"]
    return {
        "label": s.started[5:16].replace("T", " ") or s.directory.name,
        "reps": len(reps), "throws": len(throws),
        "decision_t": _mean(r["score"]["decision_t"] for r in throws),
        "best_rate": (sum(r["score"]["chosen"] == r["score"]["best"] for r in throws) / len(throws)) if throws
        else None,
        "cp_chosen": _mean(r["score"]["cp_chosen"] for r in throws),
        "cp_best": _mean(r["score"]["cp_best"] for r in throws),
        "downfield": _mean((r["gaze"].get("share") or {}).get("downfield") for r in reps),
        "reads": _mean(r["gaze"].get("reads") for r in reps),
        "sacks": sum(r["score"]["outcome"] == "sack" for r in reps),
    }


def rep_points(sessions: list[SessionInfo]) -> list[dict[str, Any]]:
    """Every rep in order: session index, play, decision time and quality (None without a throw)."""
    out = []
    for k, s in enumerate(sessions):
        for r in s.summary.get("reps") or []:
            sc = r["score"]
            out.append({"session": k, "play": r["play"], "outcome": sc["outcome"], "decision_t": sc["decision_t"],
                        "quality": sc["quality"], "cp_chosen": sc["cp_chosen"], "cp_best": sc["cp_best"]})
    return out


def _fig(title: str):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT), dpi=DPI)
    ax.set_title(title, fontsize=11)
    ax.grid(alpha=0.3)
    return plt, fig, ax


def _save(plt, fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def _per_session(out: Path, name: str, title: str, labels: list[str], series: dict[str, list], ylabel: str,
                 ylim: tuple[float, float] | None = None, bars: bool = False) -> Path:
    plt, fig, ax = _fig(title)
    x = np.arange(len(labels))
    for k, (lab, vals) in enumerate(series.items()):
        y = np.array([np.nan if v is None else v for v in vals], float)
        if bars:
            ax.bar(x + (k - (len(series) - 1) / 2) * 0.35, np.nan_to_num(y), width=0.35, label=lab)
        else:
            ax.plot(x, y, "o-", label=lab)
    ax.set_xticks(x, labels, rotation=20, fontsize=8)
    ax.set_xlabel("session")
    ax.set_ylabel(ylabel)
    if ylim:
        ax.set_ylim(*ylim)
    if len(series) > 1:
        ax.legend(fontsize=8)
    return _save(plt, fig, out / f"{name}.png")


def _per_rep(out: Path, reps: list[dict[str, Any]]) -> Path:
    plt, fig, ax = _fig("Decision time per rep (x: sacked or no throw)")
    for k in sorted({r["session"] for r in reps}):
        idx = [i for i, r in enumerate(reps) if r["session"] == k]
        y = [reps[i]["decision_t"] for i in idx]
        ax.plot([i + 1 for i, v in zip(idx, y) if v is not None], [v for v in y if v is not None], "o",
                label=f"session {k + 1}")
        miss = [i + 1 for i, v in zip(idx, y) if v is None]
        ax.plot(miss, [0.0] * len(miss), "kx")
    ax.set_xlabel("rep (all sessions, in order)")
    ax.set_ylabel("snap to throw (s)")
    ax.legend(fontsize=8)
    return _save(plt, fig, out / "decision_per_rep.png")


def _repeated(out: Path, reps: list[dict[str, Any]]) -> tuple[Path | None, list[dict[str, Any]]]:
    """Plays trained more than once: decision time and quality per attempt."""
    by_play: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in reps:
        by_play[r["play"]].append(r)
    rep_plays = {p: rs for p, rs in by_play.items() if len(rs) > 1}
    if not rep_plays:
        return None, []
    plt, fig, axes = _fig("Repeated plays: decision time and quality per attempt")
    fig.clf()
    a1, a2 = fig.subplots(1, 2)
    for p, rs in rep_plays.items():
        n = np.arange(1, len(rs) + 1)
        a1.plot(n, [np.nan if r["decision_t"] is None else r["decision_t"] for r in rs], "o-", label=p)
        a2.plot(n, [np.nan if r["quality"] is None else r["quality"] for r in rs], "o-", label=p)
    a1.set(xlabel="attempt", ylabel="decision time (s)")
    a2.set(xlabel="attempt", ylabel="CP chosen - best")
    for a in (a1, a2):
        a.grid(alpha=0.3)
        a.xaxis.get_major_locator().set_params(integer=True)
    a1.legend(fontsize=7)
    fig.suptitle("Repeated plays: decision time and quality per attempt", fontsize=11)
    table = [{"play": p, "attempts": len(rs), "decision_t": [r["decision_t"] for r in rs],
              "quality": [r["quality"] for r in rs], "outcomes": [r["outcome"] for r in rs]}
             for p, rs in rep_plays.items()]
    return _save(plt, fig, out / "repeated_plays.png"), table


def write_progress(athlete: str, sessions: list[SessionInfo], out: Path) -> tuple[Path, list[Path]]:
    """The athlete's plots (PNG) and `index.html` embedding them, in `out`; returns (page, plots)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    m = [session_metrics(s) for s in sessions]
    labels = [f"{i + 1}: {x['label']}" for i, x in enumerate(m)]
    col = lambda k: [x[k] for x in m]  # noqa: E731
    plots = [
        _per_session(out, "decision_time", "Mean decision time (snap to throw)", labels,
                     {"decision time": col("decision_t")}, "s"),
        _per_session(out, "best_choice", "Best-choice rate (threw to the highest-CP receiver)", labels,
                     {"best choice": col("best_rate")}, "share of throws", (0, 1.05)),
        _per_session(out, "cp_chosen_vs_best", "CP of the chosen receiver vs the best available", labels,
                     {"chosen": col("cp_chosen"), "best available": col("cp_best")}, "completion probability",
                     (0, 1.05)),
        _per_session(out, "eyes_downfield", "Eyes downfield (share of the decision window)", labels,
                     {"downfield": col("downfield")}, "share", (0, 1.05)),
        _per_session(out, "reads", "Reads per rep (receiver-to-receiver looks)", labels, {"reads": col("reads")},
                     "reads"),
        _per_session(out, "sacks", "Sacks and throws per session", labels,
                     {"sacks": col("sacks"), "throws": col("throws")}, "reps", bars=True),
    ]
    reps = rep_points(sessions)
    if reps:
        plots.insert(1, _per_rep(out, reps))
    rep_plot, repeated = _repeated(out, reps)
    if rep_plot is not None:
        plots.append(rep_plot)
    page = out / "index.html"
    write_atomic(page, _html(athlete, sessions, m, plots, repeated).encode())
    return page, plots


def _html(athlete: str, sessions: list[SessionInfo], m: list[dict[str, Any]], plots: list[Path],
          repeated: list[dict[str, Any]]) -> str:
    e = html.escape
    f = lambda v, fmt="{:.2f}": "-" if v is None else fmt.format(v)  # noqa: E731
    rows = "".join(
        f"<tr><td>{i + 1}</td><td>{e(s.directory.name)}</td><td>{e(str(s.summary.get('target')))}</td>"
        f"<td>{x['reps']}</td><td>{x['throws']}</td><td>{f(x['decision_t'])}</td><td>{f(x['best_rate'], '{:.0%}')}"
        f"</td><td>{f(x['cp_chosen'])} / {f(x['cp_best'])}</td><td>{f(x['downfield'], '{:.0%}')}</td>"
        f"<td>{f(x['reads'], '{:.1f}')}</td><td>{x['sacks']}</td></tr>" for i, (s, x) in enumerate(zip(sessions, m)))
    imgs = "".join(f'<figure><img alt="{e(p.stem)}" src="data:image/png;base64,'
                   f'{base64.b64encode(p.read_bytes()).decode()}"></figure>' for p in plots)
    rep_rows = "".join(
        f"<tr><td>{e(r['play'])}</td><td>{r['attempts']}</td><td>{', '.join(f(v) for v in r['decision_t'])}</td>"
        f"<td>{', '.join(f(v, '{:+.2f}') for v in r['quality'])}</td><td>{e(', '.join(r['outcomes']))}</td></tr>"
        for r in repeated)
    repeated_html = ("<h2>Repeated plays</h2><table><tr><th>play</th><th>attempts</th><th>decision time (s)</th>"
                     f"<th>quality</th><th>outcomes</th></tr>{rep_rows}</table>") if repeated else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>qbvr progress: {e(athlete)}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:60em}} table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.25em .6em;text-align:right}} figure{{margin:1em 0}} img{{max-width:100%}}</style>
</head><body><h1>{e(athlete)}: progress over {len(sessions)} sessions</h1>
<table><tr><th>#</th><th>session</th><th>target</th><th>reps</th><th>throws</th><th>decision (s)</th>
<th>best choice</th><th>CP chosen / best</th><th>eyes downfield</th><th>reads</th><th>sacks</th></tr>{rows}</table>
{repeated_html}{imgs}<p>Written by <code>qbvr progress</code>.</p></body></html>
"""
