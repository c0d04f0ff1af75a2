"""`qbvr report`: a session's summary in the terminal and three PNG plots per rep, drawn headless (matplotlib
Agg) from the recorded stream: the gaze target over time, the CP timelines with the decision marked, and a
top-down map of where the eyes landed."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Callable

import numpy as np

from replay.atomic import write_atomic
from replay.errors import InputError
from replay.field_frame import FIELD, YARD
from replay.paths import child, safe_name
from replay.play import Play

from .records import FrameSample
from .stream import StreamContents
from .summary import receiver_name

CAT_COLORS = {"downfield": "#2a7fd4", "rush": "#d4402a", "other": "#999999"}


def _save(fig, path: Path) -> Path:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    write_atomic(path, buf.getvalue())
    return path


def _marks(ax, rep: dict[str, Any]) -> None:
    """Vertical lines at the snap, the decision (or how the rep ended) and the real release, labelled above the
    plot (offsets in points, so the labels clear the title whatever the figure's height)."""
    s = rep["score"]

    def mark(t: float, label: str, color: str, rise: float, **line) -> None:
        ax.axvline(t, color=color, **line)
        ax.annotate(label, (t, 1.0), xycoords=ax.get_xaxis_transform(), xytext=(0, rise),
                    textcoords="offset points", ha="center", va="bottom", fontsize=8, color=color)

    mark(0.0, "snap", "k", 2, lw=0.8, ls=":")
    if s["decision_t"] is not None:
        mark(s["decision_t"], "throw", "#1a9e3a", 2, lw=1.6)
    elif rep.get("end_t") is not None:
        mark(rep["end_t"], s["outcome"].replace("_", " "), "#c0392b", 2, lw=1.6)
    if s["real"]["release_t"] is not None:
        mark(s["real"]["release_t"], "real release", "#7d3c98", 12, lw=1.0, ls="--")


def plot_gaze_timeline(rep: dict[str, Any], frames: list[FrameSample], path: Path) -> Path:
    """Lanes: one per eligible receiver, then other players downfield / on the rush, field zones, sky."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    recv = {int(r["nfl_id"]): k for k, r in enumerate(rep["receivers"])}
    labels = [receiver_name(rep, r["nfl_id"]) for r in rep["receivers"]]
    n = len(labels)
    labels += ["other player downfield", "rusher / blocker", "field downfield", "field behind the line", "sky / out"]
    t = np.array([f.play_t for f in frames])
    lane = np.empty(len(frames))
    color = []
    for k, f in enumerate(frames):
        hit, cat, zone = f.hit_nfl_id, f.category, f.zone
        if hit in recv:
            lane[k] = recv[hit]
        elif hit:
            lane[k] = n if cat == "downfield" else n + 1
        elif zone in ("sky", "out_of_bounds"):
            lane[k] = n + 4
        else:
            lane[k] = n + 2 if cat == "downfield" else n + 3
        color.append(CAT_COLORS.get(cat, "#999999"))
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(labels) + 1.6))
    ax.scatter(t, lane, c=color, s=8, marker="s", linewidths=0)
    for fx in rep["gaze"]["fixations"]:
        if fx["target"] in recv:
            ax.plot([fx["start"], fx["end"]], [recv[fx["target"]]] * 2, color="k", lw=3, alpha=0.35,
                    solid_capstyle="butt")
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlabel("seconds from the snap")
    _marks(ax, rep)
    g = rep["gaze"]
    sh = g["share"]
    title = f"rep {rep['rep']} {rep['key']}: gaze target (bars: fixations on receivers)"
    if g["window_s"] > 0:
        title += f"\ndownfield {sh['downfield']:.0%}, rush {sh['rush']:.0%}, reads {g['reads']}"
    ax.set_title(title, fontsize=10, pad=26)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    try:
        return _save(fig, path)
    finally:
        plt.close(fig)


def plot_cp(rep: dict[str, Any], play: Play, path: Path) -> Path:
    """CP of a throw to each eligible receiver at every instant from the snap; the decision and the real release
    marked, the chosen receiver's CP at the decision circled."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from engine.cp.timeline import context_for, cp_matrix

    s = rep["score"]
    end = max(x for x in (s["decision_t"], rep.get("end_t"), s["real"]["release_t"], 0.5) if x is not None)
    t = np.round(np.arange(0.0, end + 0.3, 0.1), 3)
    cp, _ = cp_matrix(play, t)
    ids = [int(i) for i in context_for(play).nfl_ids]
    fig, ax = plt.subplots(figsize=(9, 4.2))
    cmap = plt.get_cmap("tab10")
    for k, nid in enumerate(ids):
        lw = 2.4 if nid == s["chosen"] else 1.2
        ax.plot(t, cp[:, k], color=cmap(k % 10), lw=lw, label=receiver_name(rep, nid))
    if s["decision_t"] is not None and s["cp_chosen"] is not None:
        ax.plot([s["decision_t"]], [s["cp_chosen"]], "o", ms=11, mfc="none", mec="#1a9e3a", mew=2)
        ax.plot([s["decision_t"]], [s["cp_best"]], "*", ms=11, color="#f1c40f", mec="k")
    real = s["real"]
    if real["release_t"] is not None and real["cp"] is not None:
        ax.plot([real["release_t"]], [real["cp"]], "D", ms=8, mfc="none", mec="#7d3c98", mew=1.6)
    _marks(ax, rep)
    ax.set_ylim(0, 1)
    ax.set_xlabel("seconds from the snap")
    ax.set_ylabel("completion probability")
    q = "" if s["quality"] is None else f": CP {s['cp_chosen']:.2f} vs best {s['cp_best']:.2f} ({s['quality']:+.2f})"
    ax.set_title(f"rep {rep['rep']} {rep['key']}: CP timelines, {s['outcome'].replace('_', ' ')}{q}", fontsize=10,
                 pad=26)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))  # beside the plot: never over the decision
    ax.grid(alpha=0.3)
    fig.tight_layout()
    try:
        return _save(fig, path)
    finally:
        plt.close(fig)


def plot_gaze_map(rep: dict[str, Any], frames: list[FrameSample], play: Play, path: Path) -> Path:
    """Top-down: players at the decision (or the end), receivers' paths since the snap, and every gaze landing
    point after the snap coloured by time."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = rep["score"]
    t_end = s["decision_t"] if s["decision_t"] is not None else (rep.get("end_t") or float(play.t[-1]))
    f_end = play.frame_at(t_end)
    f_snap = play.event_frame("ball_snap") or 0
    los = play.meta.los_x if play.meta.los_x is not None else float(np.nanmean(play.x[f_snap]))
    fig, ax = plt.subplots(figsize=(9, 6))
    ax.add_patch(plt.Rectangle((los - 15, 0), 55, FIELD.width, color="#4f8a3c", alpha=0.35, lw=0))
    for yd in range(int(los - 15) // 5 * 5, int(los + 40) + 1, 5):
        ax.axvline(yd, color="w", lw=0.6, alpha=0.7)
    ax.axvline(los, color="#1f4e9c", lw=1.5)
    recv = {int(r["nfl_id"]): r for r in rep["receivers"]}
    for c in range(play.n_players):
        nid = int(play.roster.nfl_id[c])
        off = play.roster.side[c] == "off"
        if nid in recv:
            ax.plot(play.x[f_snap:f_end + 1, c], play.y[f_snap:f_end + 1, c], color="#1f4e9c", lw=1, alpha=0.6)
            ax.text(play.x[f_end, c] + 0.6, play.y[f_end, c] + 0.6, str(recv[nid]["key"]), fontsize=9,
                    weight="bold", color="#1f4e9c")
        ax.plot(play.x[f_end, c], play.y[f_end, c], "o" if off else "x", color="#1f4e9c" if off else "#b03a2e",
                ms=6 if off else 7)
    post = [f for f in frames if 0 <= f.play_t <= t_end + 1e-9 and f.gaze_point is not None]
    if post:
        pts = np.array([f.gaze_point for f in post]) / YARD
        sc = ax.scatter(pts[:, 0], pts[:, 1], c=[f.play_t for f in post], cmap="viridis", s=10, zorder=5)
        fig.colorbar(sc, ax=ax, label="seconds from the snap", shrink=0.8)
    eye = np.array(frames[-1].eye) / YARD if frames else None
    if eye is not None:
        ax.plot(eye[0], eye[1], "*", color="#f1c40f", ms=14, mec="k", zorder=6)
    ax.set_xlim(los - 15, los + 40)
    ax.set_ylim(0, FIELD.width)
    ax.set_aspect("equal")
    ax.set_xlabel("yards (offense toward +x)")
    ax.set_title(f"rep {rep['rep']} {rep['key']}: where the eyes landed (snap to t = {t_end:.2f} s); "
                 "o offense, x defense", fontsize=10)
    fig.tight_layout()
    try:
        return _save(fig, path)
    finally:
        plt.close(fig)


def write_report(summary: dict[str, Any], contents: StreamContents, load_play: Callable[[str], Play],
                 out_dir: Path) -> list[Path]:
    """Three PNGs per rep in `out_dir`; returns their paths."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(out_dir, f"cannot make the plot folder ({e.strerror or e})", expected="a directory") from None
    paths = []
    for rep in summary["reps"]:
        frames = contents.of_type(FrameSample, rep["rep"])
        play = load_play(rep["play"])
        n = safe_name(rep["rep"], max_len=40)  # from the stream: only ever a short, safe name inside out_dir
        paths.append(plot_gaze_timeline(rep, frames, child(out_dir, f"rep{n}_gaze.png")))
        paths.append(plot_cp(rep, play, child(out_dir, f"rep{n}_cp.png")))
        paths.append(plot_gaze_map(rep, frames, play, child(out_dir, f"rep{n}_map.png")))
    return paths
