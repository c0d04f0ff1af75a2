"""The training loop: the trainee stands at the real quarterback's eyes, the play runs from a few seconds before
the snap, every rendered frame his gaze is hit-tested and recorded, and the rep ends when he throws, when the
real play's pressure reaches the quarterback (a sack) or when the recording ends (no throw).

    plans = [RepPlan.from_ref("synthetic:cover3_smash")]
    result = run_session(plans, renderer, ScriptedTrainee("1@0.3,2@0.8,throw=2@2.4"), out_dir,
                         clock=FixedStepClock(60))

Pieces that differ per display sit behind small interfaces: the display backend (`engine.backends`), the trainee
(`engine.training.trainee.Trainee`: gaze and throw input) and the frame clock (`FrameClock`: which play time the next
frame shows; fixed-step offscreen, wall-clock on a desktop, the runtime's predicted display time in a headset).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Protocol

import numpy as np

from replay.play import FIELD_WIDTH, Play
from scenes.cameras import eye_point, line_of_scrimmage_m, quarterback_index
from scenes.drills import load_play_ref
from scenes.receiver_keys import ReceiverKeys
from scenes.training_overlay import TrainingOverlay

from .gaze import GazeScene, head_angles
from .gaze_metrics import GazeTracker
from .scoring import rep_clock
from .session.stream import SessionWriter, read_stream, write_summary
from .session.summary import player_label, summarize
from .trainee import FrameInfo, RepInfo, Trainee, number_receivers

DEFAULT_LEAD_S = 3.0
YARD = 0.9144
DESKTOP_FOV_H = 90.0


class FrameClock(Protocol):
    """Play time of each frame of a rep."""

    def start(self, t0: float) -> None: ...

    def next(self) -> float | None: ...  # None: no frame to show now (e.g. a headset not yet visible)


class FixedStepClock:
    """`fps` frames per play second; with `pace`, frames are held back to real time (never ahead of it)."""

    def __init__(self, fps: float = 60.0, *, pace: bool = False):
        self.fps, self.pace = float(fps), pace
        self.t0, self.k, self.w0 = 0.0, 0, 0.0

    def start(self, t0: float) -> None:
        self.t0, self.k, self.w0 = float(t0), 0, time.monotonic()

    def next(self) -> float:
        if self.pace:
            wait = self.w0 + self.k / self.fps - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        t = round(self.t0 + self.k / self.fps, 6)  # whole microseconds: frame 2.4 s is exactly 2.4
        self.k += 1
        return t


class RealTimeClock:
    """Play time follows the wall clock (a desktop rep at the speed of the real play)."""

    def __init__(self, max_fps: float = 120.0):
        self.min_dt = 1.0 / max_fps
        self.t0, self.w0, self.last = 0.0, 0.0, 0.0

    def start(self, t0: float) -> None:
        self.t0, self.w0 = float(t0), time.monotonic()
        self.last = self.w0 - self.min_dt

    def next(self) -> float:
        now = time.monotonic()
        if now - self.last < self.min_dt:
            time.sleep(self.min_dt - (now - self.last))
            now = time.monotonic()
        self.last = now
        return self.t0 + (now - self.w0)


class HeadsetClock:
    """Play time of a headset frame: the runtime paces the loop (xrWaitFrame) and play time comes from the
    frame's predicted display time (`engine.xr.headset.HeadsetBackend`)."""

    def __init__(self, backend):
        self.backend = backend

    def start(self, t0: float) -> None:
        self.backend.start_clock(t0)

    def next(self) -> float | None:
        f = self.backend.wait()
        if f is None or not f.should_render:
            if f is not None:
                self.backend.skip_frame()
            return None
        return float(f.play_time)

    def abandon(self) -> None:
        """The rep ended on a waited frame that will not be drawn."""
        self.backend.skip_frame()


@dataclass
class RepPlan:
    """One rep to train: a play reference (`synthetic:NAME` or `GAMEID:PLAYID`), the play, a note, the lead."""

    ref: str
    play: Play
    note: str = ""
    lead_s: float = DEFAULT_LEAD_S

    @property
    def title(self) -> str:
        syn = self.play.meta.extra.get("synthetic")
        return self.play.meta.description.split(".")[0] if syn else self.play.meta.description[:90]


@dataclass
class SessionResult:
    directory: Path
    summary: dict[str, Any]
    frames: int = 0
    wall_s: float = 0.0
    frame_ms: list[float] = field(default_factory=list)  # per-frame cost of gaze hit-testing + metrics

    @property
    def fps(self) -> float:
        return self.frames / self.wall_s if self.wall_s > 0 else 0.0


def _r(v: float, n: int = 4) -> float:
    return round(float(v), n)


def result_text(play: Play, rep: RepInfo, end: dict[str, Any], nid: int | None) -> str:
    """The line shown when a rep ends (the recorded summary is computed from the stream, not from this)."""
    if end["name"] == "sack":
        return f"SACKED at {end['t']:.1f} s"
    if end["name"] == "no_throw":
        return "no throw"
    from engine.cp import cp_at
    cps = cp_at(play, float(end["t"]))
    best = max(cps, key=cps.get)
    key = {r.nfl_id: r.key for r in rep.receivers}
    return (f"threw to {key.get(nid, '?')} at {end['t']:.2f} s: CP {cps.get(nid, float('nan')):.2f}"
            + ("  (the best)" if best == nid else f"  (best: {key.get(best, '?')}, {cps[best]:.2f})"))


def rep_setup(play: Play, lead_s: float = DEFAULT_LEAD_S, joint_names=None) -> tuple[RepInfo, Any]:
    """The rep's quarterback, keyed receivers and clock (start, pressure, stop), before anything is drawn."""
    from engine.cp.timeline import context_for
    from replay.skeleton import load_skeleton

    qb = quarterback_index(play)
    clock_info = rep_clock(play, qb, lead_s)
    receivers = number_receivers(play, qb, context_for(play).nfl_ids)
    names = list(joint_names) if joint_names is not None else list(load_skeleton().names)
    return RepInfo(play, qb, receivers, clock_info.start, clock_info.stop, names), clock_info


def run_rep(rep_index: int, plan: RepPlan, renderer, trainee: Trainee, writer: SessionWriter, clock: FrameClock,
            *, costs: list[float] | None = None, after_render: Callable[[int, float], None] | None = None,
            reps_total: int = 1, hold_s: float = 0.0) -> dict[str, Any]:
    """Run one rep; returns its end event. Records a `rep` record, one `f` record per frame, inputs and events.
    `costs` collects the per-frame milliseconds of gaze hit-testing and metric updates; `after_render(rep, t)`
    is called after each rendered frame (screenshots in tests and benchmarks)."""
    from engine.app import close_play, open_play, update_frame

    play = plan.play
    rep, clock_info = rep_setup(play, plan.lead_s)
    qb, receivers = rep.qb, rep.receivers
    # no review HUD: its timeline would show the real throw; the training overlay shows only what a QB knows
    view = open_play(renderer, play, camera="qb", hud=False)
    overlay = None
    if renderer.overlay is not None:
        overlay = TrainingOverlay(play, renderer.aspect, rep=rep_index, reps=reps_total, title=plan.title,
                                  note=plan.note, trainee=getattr(trainee, "name", ""),
                                  crosshair=getattr(trainee, "name", "") == "desktop")
        overlay.root.reparent_to(renderer.overlay)
    names = list(view.scene.joint_names)
    gscene = GazeScene(play, names, exclude=[qb] if qb is not None else [], receivers=[r.col for r in receivers])
    tracker = GazeTracker([r.nfl_id for r in receivers])
    labels = ReceiverKeys([(str(r.key), r.col) for r in receivers], names.index("head_top"))
    labels.root.reparent_to(renderer.scene)
    rep.joint_names = names
    trainee.begin_rep(rep)
    writer.write({"k": "rep", "rep": rep_index, "play": plan.ref, "key": play.key, "title": plan.title,
                  "note": plan.note, "w": _r(writer.wall()), "start_t": _r(clock_info.start),
                  "stop_t": _r(clock_info.stop), "end_t": _r(clock_info.end), "pressure_t": clock_info.pressure_t,
                  "pressure_how": clock_info.pressure_how, "qb": None if qb is None else int(play.roster.nfl_id[qb]),
                  "trainee_spec": getattr(trainee, "rep_spec", None),
                  "receivers": [{"key": r.key, "nfl_id": r.nfl_id, "jersey": r.jersey, "position": r.position,
                                 "name": r.name} for r in receivers],
                  "players": {str(int(n)): player_label({"name": nm, "position": pos, "jersey": int(j)})
                              for n, nm, pos, j in zip(play.roster.nfl_id, play.roster.name, play.roster.position,
                                                       play.roster.jersey)}})
    writer.flush()
    tracked = bool(getattr(renderer.backend, "tracked", False))
    clock.start(clock_info.start)
    snapped = False
    end: dict[str, Any] | None = None
    thrown: int | None = None
    last_eye = np.array([line_of_scrimmage_m(play) - 7 * YARD, FIELD_WIDTH / 2 * YARD, 1.8], np.float32)
    i = 0
    try:
        while end is None:
            t = clock.next()
            if t is None:
                if renderer.backend.should_close():
                    end = {"name": "quit", "t": None}
                continue
            if t >= clock_info.stop - 1e-9:
                name = "sack" if clock_info.pressure_t is not None else "no_throw"
                end = {"name": name, "t": _r(clock_info.stop)}
                break
            update_frame(view, t)
            joints = view.scene.joints
            eye = eye_point(joints[qb], names) if qb is not None else last_eye
            if not np.all(np.isfinite(eye)):  # the QB untracked on this frame: keep the last eye point
                eye = last_eye
            last_eye = eye
            frame = FrameInfo(t, joints, eye, rep)
            g = trainee.gaze(frame)
            if not tracked:  # before any break: the result screen shows what the trainee was looking at
                renderer.look(g.origin, g.origin + 10.0 * g.head, DESKTOP_FOV_H)
            c0 = time.perf_counter()
            hit = gscene.hit(joints, g.origin, g.direction)
            yaw, pitch = head_angles(g.head)
            if t >= 0 and not snapped:
                snapped = True
                writer.write({"k": "ev", "rep": rep_index, "name": "snap", "t": _r(t), "w": _r(writer.wall())})
            tracker.update(t, g.direction, hit.nfl_id, hit.zone, hit.category, pitch)
            if costs is not None:
                costs.append((time.perf_counter() - c0) * 1e3)
            writer.write({"k": "f", "rep": rep_index, "i": i, "t": _r(t, 5), "w": _r(writer.wall()),
                          "eye": [_r(v) for v in g.origin], "dir": [_r(v, 6) for v in g.direction],
                          **({} if g.head is g.direction else {"head": [_r(v, 6) for v in g.head]}),
                          "yaw": _r(yaw, 3), "pitch": _r(pitch, 3), "src": g.source, "hit": hit.nfl_id,
                          "zone": hit.zone, "cat": hit.category,
                          "pt": None if hit.point is None else [_r(v, 3) for v in hit.point]})
            i += 1
            for name in getattr(trainee, "raw_inputs", lambda: [])():
                writer.write({"k": "in", "rep": rep_index, "kind": "button", "name": name, "t": _r(t, 5),
                              "w": _r(writer.wall())})
            if t >= 0:
                th = trainee.throw(frame)
                if th is not None:
                    thrown = int(th.nfl_id)
                    writer.write({"k": "in", "rep": rep_index, "kind": "throw", "nfl_id": int(th.nfl_id),
                                  "how": th.how, "t": _r(t, 5), "w": _r(writer.wall())})
                    end = {"name": "throw", "t": _r(t, 5)}
                    break
            if trainee.wants_quit():
                end = {"name": "quit", "t": _r(t, 5)}
                break
            labels.update(joints)
            if overlay is not None:
                overlay.resize(renderer.aspect)
                overlay.update(t)
            if renderer.render() and after_render is not None:
                after_render(rep_index, t)
        if overlay is not None and hold_s > 0 and end["name"] != "quit" and not tracked:
            overlay.show_result(result_text(play, rep, end, thrown))
            w_end = time.monotonic() + hold_s
            while time.monotonic() < w_end and not renderer.backend.should_close():
                overlay.resize(renderer.aspect)
                renderer.render()
                time.sleep(1 / 60)
    finally:
        if hasattr(clock, "abandon"):
            clock.abandon()
        labels.root.remove_node()
        if overlay is not None:
            overlay.root.remove_node()
        close_play(view)
    writer.write({"k": "ev", "rep": rep_index, "name": end["name"], "t": end["t"], "w": _r(writer.wall())})
    writer.flush()
    return end


def run_session(plans: list[RepPlan], renderer, trainee: Trainee, out_dir: str | Path, *, clock: FrameClock,
                target: str = "", backend_name: str = "", load_play: Callable[[str], Play] | None = None,
                costs: list[float] | None = None,
                after_render: Callable[[int, float], None] | None = None, hold_s: float | None = None
                ) -> SessionResult:
    """Run every rep, recording into `out_dir`, then write `summary.json` recomputed from the stream.
    `hold_s`: seconds the outcome stays on screen after a rep (default: 1.5 for a desktop trainee, else 0)."""
    if hold_s is None:
        hold_s = 1.5 if getattr(trainee, "name", "") == "desktop" else 0.0
    out = Path(out_dir)
    header = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "target": target,
              "backend": backend_name or getattr(renderer.backend, "name", ""),
              "trainee": getattr(trainee, "name", type(trainee).__name__),
              "trainee_spec": getattr(trainee, "spec", None), "clock": type(clock).__name__,
              "fps": getattr(clock, "fps", None), "plays": [p.ref for p in plans]}
    writer = SessionWriter(out, header)
    plays = {p.ref: p.play for p in plans}
    w0 = time.monotonic()
    frames0 = 0
    try:
        for k, plan in enumerate(plans, start=1):
            end = run_rep(k, plan, renderer, trainee, writer, clock, costs=costs, after_render=after_render,
                          reps_total=len(plans), hold_s=hold_s)
            if end["name"] == "quit":
                break
    finally:
        writer.close()
    wall = time.monotonic() - w0
    contents = read_stream(out)
    frames0 = len(contents.of_kind("f"))

    def loader(ref: str) -> Play:
        return plays[ref] if ref in plays else (load_play or load_play_ref)(ref)

    summary = summarize(contents, loader)
    write_summary(out, summary)
    return SessionResult(out, summary, frames0, wall)
