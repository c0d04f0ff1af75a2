"""The session summary, computed from the recorded stream alone (plus the plays it names): the live loop writes
`summary.json` with exactly this function after a session, and `qbvr report` recomputes it the same way when
the session was killed before writing it."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from replay.play import Play

from ..gaze_metrics import GazeTracker
from ..scoring import real_qb, score_rep
from .records import FrameSample, RepEvent, RepOutcome, RepStart, Throw
from .stream import StreamContents

PlayLoader = Callable[[str], Play]


def rep_gaze(frames: list[FrameSample], receivers: list[int], decision_t: float | None,
             end_t: float | None, chosen: int | None) -> dict[str, Any]:
    """Gaze metrics of one rep from its frame records, up to the decision (else the last frame / `end_t`)."""
    tr = GazeTracker(receivers)
    stop = decision_t if decision_t is not None else end_t
    for f in frames:
        if stop is not None and f.play_t > stop + 1e-9:
            break
        tr.update(f.play_t, np.asarray(f.gaze, np.float64), f.hit_nfl_id, f.zone, f.category, float(f.head_pitch))
    if stop is None and frames:
        stop = frames[-1].play_t
    tr.finish(stop if stop is not None else 0.0)
    return tr.result(decision_t, chosen)


def summarize(contents: StreamContents, load_play: PlayLoader,
              cp_fn: Callable[[Play, float], dict[int, float]] | None = None) -> dict[str, Any]:
    """Everything `summary.json` holds: the session header, and per rep the outcome, the gaze metrics and the
    decision score. Reps cut short by a killed process are marked `complete: false` and scored as far as they
    got (no decision)."""
    h = contents.header
    reps = [rep_summary(contents, rec, load_play, cp_fn) for rec in contents.of_type(RepStart)]
    return {
        "format": "qbvr-session-summary", "version": 1, "session": contents.path.parent.name,
        "totals": totals(reps),
        "started": h.started, "backend": h.backend, "trainee": h.trainee,
        "target": h.target, "complete": contents.complete, "dropped_bytes": contents.dropped_bytes,
        "stream_problem": contents.problem, "reps": reps,
    }


def rep_summary(contents: StreamContents, rec: RepStart, load_play: PlayLoader,
                cp_fn: Callable[[Play, float], dict[int, float]] | None = None) -> dict[str, Any]:
    """One rep of `summary.json`: how it ended, its gaze metrics and its decision score."""
    n = rec.rep
    frames = contents.of_type(FrameSample, n)
    throws = contents.of_type(Throw, n)
    end = next((e for e in contents.of_type(RepEvent, n) if e.ends_rep), None)
    outcome = end.name if end else "incomplete"
    throw_t = throws[0].play_t if throws and outcome == "throw" else None
    chosen = int(throws[0].nfl_id) if throws and outcome == "throw" else None
    receivers = [int(r.nfl_id) for r in rec.receivers]
    gaze = rep_gaze(frames, receivers, throw_t, end.play_t if end else None, chosen)
    recorded = load_play(rec.play_ref)
    play = shown_play(recorded, rec)
    score = score_rep(play, outcome=outcome if outcome in ("throw", "sack", "no_throw") else "no_throw",
                      throw_t=throw_t, chosen=chosen, cp_fn=cp_fn)
    if play is not recorded:  # what the real QB did is on the recording, not on the model's play
        score["real"] = real_qb(recorded, cp_fn or _cp_at)
    res = next(iter(contents.of_type(RepOutcome, n)), None)
    score["outcome"] = res.result if res is not None and outcome == "throw" else outcome
    if res is not None and res.nfl_id is not None:
        score["ball"] = {"catch": res.catch, "t_arrive": res.t_arrive, "separation": res.separation,
                         "p_complete": res.p_complete, "p_intercept": res.p_intercept}
    walls = [f.wall_t for f in frames]
    fps = (len(walls) - 1) / (walls[-1] - walls[0]) if len(walls) > 1 and walls[-1] > walls[0] else None
    return {
        "rep": n, "play": rec.play_ref, "key": rec.play_key, "title": rec.title, "note": rec.note,
        "complete": end is not None, "end_t": None if end is None else end.play_t,
        "pressure_t": rec.pressure_t, "pressure_how": rec.pressure_how,
        "frames": len(frames), "fps": None if fps is None else round(fps, 1),
        "receivers": [r.to_record() for r in rec.receivers],
        "players": {str(k): v for k, v in rec.players.items()}, "score": score, "gaze": gaze,
    } | ({} if rec.seed is None else {  # sessions recorded before the continuation model have neither
        "model_from_t": model_from(rec, throw_t, end.play_t if end else None), "seed": rec.seed})


def _cp_at(play: Play, t: float) -> dict[int, float]:
    from engine.cp import cp_at
    return cp_at(play, t)


def shown_play(play: Play, rec: RepStart) -> Play:
    """The play the trainee was shown while he held the ball: rebuilt from the recorded seed (the continuation
    is deterministic), or the recording when the rep had no model."""
    if rec.seed is None or rec.model_from_t is None:
        return play
    from ..consequences import departure_play
    return departure_play(play, rec.seed)[0]


def model_from(rec: RepStart, throw_t: float | None, end_t: float | None) -> float | None:
    """When the continuation model took over: the trainee's throw or the real release, whichever came first
    (None: it never did - a rep that ended before either)."""
    times = [t for t in (throw_t, rec.model_from_t) if t is not None]
    if not times or (throw_t is None and end_t is not None and end_t < min(times)):
        return None
    return round(min(times), 4)


def totals(reps: list[dict[str, Any]]) -> dict[str, Any]:
    """Across the reps: counts by outcome and the means a coach tracks over a drill."""
    def mean(values):
        v = [x for x in values if x is not None]
        return round(sum(v) / len(v), 4) if v else None
    throws = [r for r in reps if r["score"]["decision_t"] is not None]
    results = {} if not any("seed" in r for r in reps) else {
        "completions": sum(r["score"]["outcome"] == "complete" for r in throws),
        "interceptions": sum(r["score"]["outcome"] == "intercepted" for r in throws)}
    return {"reps": len(reps), "throws": len(throws), **results,
            "sacks": sum(r["score"]["outcome"] == "sack" for r in reps),
            "no_throws": sum(r["score"]["outcome"] == "no_throw" for r in reps),
            "best_choice": sum(r["score"]["chosen"] == r["score"]["best"] for r in throws),
            "mean_decision_t": mean(r["score"]["decision_t"] for r in throws),
            "mean_quality": mean(r["score"]["quality"] for r in throws),
            "mean_cp_chosen": mean(r["score"]["cp_chosen"] for r in throws),
            "mean_downfield_share": mean(r["gaze"]["share"]["downfield"] for r in reps),
            "mean_reads": mean(r["gaze"]["reads"] for r in reps)}


def receiver_name(rep: dict[str, Any], nfl_id: int | None) -> str:
    if nfl_id is None:
        return "-"
    for r in rep["receivers"]:
        if int(r["nfl_id"]) == int(nfl_id):
            return player_label(r, key=r["key"])
    return rep.get("players", {}).get(str(nfl_id), str(nfl_id))


def player_label(p: dict[str, Any], key: int | None = None) -> str:
    """'3 WR #17 Name' (the key first when the player has one; synthetic names already carry position and #)."""
    name = str(p.get("name") or "")
    text = name if "#" in name else f"{p.get('position', '')} #{p.get('jersey', '')} {name}"
    return (f"{key} " if key is not None else "") + " ".join(text.split())


def summary_text(summary: dict[str, Any]) -> str:
    """The summary as a few lines for the terminal."""
    out = [f"session {summary['session']}  backend {summary.get('backend')}  trainee {summary.get('trainee')}"
           + ("" if summary["complete"] else "  (interrupted: recovered from the stream)")]
    for rep in summary["reps"]:
        s, g = rep["score"], rep["gaze"]
        out.append(f"rep {rep['rep']}: {rep['key']} {rep['title']}")
        if s["decision_t"] is not None:
            out.append(f"  {s['outcome'].replace('_', ' ').upper()}: threw to {receiver_name(rep, s['chosen'])} at "
                       f"{s['decision_t']:.2f} s: "
                       f"CP {s['cp_chosen']:.2f}"
                       f"; best {receiver_name(rep, s['best'])} CP {s['cp_best']:.2f}; quality {s['quality']:+.2f}")
        elif s["outcome"] == "sack":
            out.append(f"  SACKED at {rep['end_t']:.2f} s ({rep.get('pressure_how')}): no throw before the pressure")
        else:
            out.append(f"  {s['outcome'].replace('_', ' ')}" + (f" at {rep['end_t']:.2f} s" if rep["end_t"] else ""))
        real = s["real"]
        if real["release_t"] is not None:
            cp = "-" if real["cp"] is None else f"{real['cp']:.2f}"
            out.append(f"  real QB: threw to {receiver_name(rep, real['target'])} at {real['release_t']:.2f} s, "
                       f"CP {cp}")
        sh = g["share"]
        if g["window_s"] > 0:
            out.append(f"  eyes downfield {sh['downfield']:.0%}, on the rush {sh['rush']:.0%}, other {sh['other']:.0%}"
                       f" over {g['window_s']:.2f} s; reads {g['reads']}; fixations {g['n_fixations']}")
        looks = [f"    {receiver_name(rep, int(k))}: first look {v:.2f} s, dwell {g['dwell'][k]:.2f} s"
                 for k, v in g["first_look"].items() if v is not None]
        out.append("  receivers looked at:" if looks else "  no receiver looked at")
        out += looks
        qe = g.get("quiet_eye")
        if qe:
            on = receiver_name(rep, qe['target']) if qe['target'] else qe['zone']
            out.append(f"  quiet eye: {qe['duration']:.2f} s on {on}"
                       f", onset {qe['onset_before_release']:.2f} s before the release")
        hp = g.get("head_pitch")
        if hp:
            out.append(f"  head pitch: median {hp['median']:+.1f} deg (p10 {hp['p10']:+.1f}, p90 {hp['p90']:+.1f})")
    tt = summary.get("totals")
    if tt and tt["reps"] > 1:
        line = (f"totals: {tt['reps']} reps, {tt['throws']} throws ({tt['best_choice']} to the best CP), "
                f"{tt['sacks']} sacks")
        if tt["mean_decision_t"] is not None:
            line += (f"; mean decision {tt['mean_decision_t']:.2f} s, CP {tt['mean_cp_chosen']:.2f}, "
                     f"quality {tt['mean_quality']:+.2f}")
        if tt["mean_downfield_share"] is not None:
            line += f"; eyes downfield {tt['mean_downfield_share']:.0%}"
        out.append(line)
    return "\n".join(out)
