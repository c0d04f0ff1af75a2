"""The training loop: the trainee stands at the real quarterback's eyes, the play runs from a few seconds before
the snap, every rendered frame his gaze is hit-tested and recorded, and the rep ends when he throws, when the
real play's pressure reaches the quarterback (a sack) or when the recording ends (no throw).

    plans = [RepPlan("synthetic:cover3_smash", load_play_ref("synthetic:cover3_smash"))]
    result = run_session(plans, renderer, ScriptedTrainee("1@0.3,2@0.8,throw=2@2.4"), out_dir,
                         clock=FixedStepClock(60))

Pieces that differ per display sit behind small interfaces: the display backend (`engine.backends`), the trainee
(`engine.training.trainee.Trainee`: gaze and throw input) and the frame clock (`engine.training.clock.FrameClock`:
which play time the next frame shows). `engine.training.launch.open_session` picks all three for a display.

A rep runs in named steps (`Rep`): `setup` (scene, overlay, gaze scene, the rep's start record), `play_frames`
(the frame loop: one `step` per frame - `pose`, the trainee's gaze, `measure` (hit-test, metrics, the frame's
record), `read_inputs` (buttons, throw, quit), `draw`), `hold_result` (the outcome on screen), `teardown`, and
`record_end`. A new step of a rep (a ball flight after the throw, a replay) is a method between them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import numpy as np

from replay.field_frame import FIELD, YARD
from replay.play import Play
from replay.roles import ball_in_hand_time, passer
from scenes.cameras import eye_point, line_of_scrimmage_m
from scenes.drills import load_play_ref
from scenes.receiver_keys import ReceiverKeys
from scenes.training_overlay import NOT_YET, TrainingOverlay, rep_title

from .clock import FrameClock
from .consequences import AFTER_ARRIVAL_S, ThrowResult, departure_play, outcome_text, thrown_play
from .gaze import GazeScene, head_angles
from .gaze_metrics import GazeTracker
from .scoring import RepClock, rep_clock
from .session.records import (
    ButtonPress,
    FrameSample,
    InstantReplay,
    ModelTracks,
    ReceiverEntry,
    RepEvent,
    RepOutcome,
    RepStart,
    SessionHeader,
    Throw,
)
from .session.stream import SessionWriter, read_stream, write_summary
from .session.summary import player_label, summarize
from .trainee import FrameInfo, GazeInput, RepInfo, Trainee, number_receivers

DEFAULT_LEAD_S = 3.0
REPLAY_S = 3.0  # s of instant replay after a rep
REPLAY_FPS = 30.0
REPLAY_HINT = "instant replay - space skips"
DESKTOP_FOV_H = 90.0
SYNTH_MARGIN_S = 1.0  # s of tracks before a throw the thrown play's skeletons are synthesised from
BLEND_S = 0.3  # s over which the skeletons after a throw ease in from those on screen
REPLAY_CAMERA = "all22"


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
    """A finished session: its directory and summary, the frames drawn, the wall time, the report's files."""

    directory: Path
    summary: dict[str, Any]
    frames: int = 0
    wall_s: float = 0.0
    report: list[Path] = field(default_factory=list)  # the report's plots, when drawn (`launch.train`)
    stopped: str | None = None  # why the display ended the session early (a headset runtime gone), if it did

    @property
    def fps(self) -> float:
        return self.frames / self.wall_s if self.wall_s > 0 else 0.0


def result_text(play: Play, rep: RepInfo, end: RepEnd) -> str:
    """The line shown when a rep ends (the recorded summary is computed from the stream, not from this)."""
    if end.name == "sack":
        return f"SACKED at {end.t:.1f} s"
    if end.name == "no_throw":
        return "no throw"
    from engine.cp import cp_at
    nid = end.nfl_id
    cps = cp_at(play, float(end.t))
    best = max(cps, key=cps.get)
    key = {r.nfl_id: r.key for r in rep.receivers}
    return (f"threw to {key.get(nid, '?')} at {end.t:.2f} s: CP {cps.get(nid, float('nan')):.2f}"
            + ("  (the best)" if best == nid else f"  (best: {key.get(best, '?')}, {cps[best]:.2f})"))


def real_qb_text(recorded: Play, rep: RepInfo) -> str:
    """The result screen's line on what the real QB did on the recording (`engine.training.scoring.real_qb`)."""
    from engine.cp import cp_at

    from .scoring import real_qb
    real = real_qb(recorded, cp_at)
    if real["release_t"] is None:
        return "real QB: sacked" if real["sacked"] else "real QB: no throw"
    key = {r.nfl_id: r.key for r in rep.receivers}
    who = key.get(real["target"], "?") if real["target"] is not None else "?"
    cp = "" if real["cp"] is None else f": CP {real['cp']:.2f}"
    return f"real QB: threw to {who} at {real['release_t']:.2f} s{cp}"


def rep_setup(play: Play, lead_s: float = DEFAULT_LEAD_S, joint_names=None) -> tuple[RepInfo, RepClock]:
    """The rep's quarterback, keyed receivers and clock (start, pressure, stop), before anything is drawn."""
    from engine.cp.timeline import context_for
    from replay.skeleton import load_skeleton

    qb = passer(play)
    clock_info = rep_clock(play, qb, lead_s)
    receivers = number_receivers(play, qb, context_for(play).nfl_ids)
    names = list(joint_names) if joint_names is not None else list(load_skeleton().names)
    return RepInfo(play, qb, receivers, clock_info.start, clock_info.stop, names), clock_info


def _vec3(v) -> list[float] | None:
    return None if v is None else [float(x) for x in v]


@dataclass
class RepEnd:
    """How a rep ended: "throw" (to `nfl_id`), "sack", "no_throw" or "quit", at play time `t` (None: no frame)."""

    name: str
    t: float | None
    nfl_id: int | None = None


class Rep:
    """One rep being played, step by step (see the module docstring); `run_rep` drives the steps in order."""

    def __init__(self, index: int, plan: RepPlan, renderer, trainee: Trainee, writer: SessionWriter, *,
                 reps_total: int = 1, costs: list[float] | None = None,
                 after_render: Callable[[int, float], None] | None = None, seed: int = 0):
        self.index, self.plan, self.play = index, plan, plan.play
        self.seed = int(seed)
        self.model_from_t: float | None = None
        self.renderer, self.trainee, self.writer = renderer, trainee, writer
        self.reps_total, self.costs, self.after_render = reps_total, costs, after_render
        self.tracked = bool(renderer.backend.tracked)  # a headset moves the eyes; otherwise the loop aims the view
        self.view = self.overlay = self.labels = None
        self.frames = 0
        self.snapped = False
        self.next_label: str | None = None  # what the next rep is, shown between reps (None: the last rep)
        self.result = ""  # the result screen's text, once shown

    # ------------------------------------------------------------ setup

    def setup(self) -> None:
        """Open the play's scene at the QB's eyes, the overlay, the gaze scene and the metrics; tell the trainee;
        record the rep's start."""
        from engine.app import open_play

        self.play, self.model_from_t = departure_play(self.plan.play, self.seed)
        play, renderer, trainee = self.play, self.renderer, self.trainee
        self.info, self.clock_info = rep_setup(play, self.plan.lead_s)
        # no review HUD: its timeline would show the real throw; the training overlay shows only what a QB knows
        self.view = open_play(renderer, play, camera="qb", hud=False)
        if renderer.overlay is not None:
            self.overlay = TrainingOverlay(play, renderer.aspect, rep=self.index, reps=self.reps_total,
                                           title=rep_title(play), note=self.plan.note, trainee=trainee.name,
                                           crosshair=trainee.crosshair)
            self.overlay.root.reparent_to(renderer.overlay)
        names = list(self.view.scene.joint_names)
        qb, receivers = self.info.qb, self.info.receivers
        self.gaze_scene = GazeScene(play, names, exclude=[qb] if qb is not None else [],
                                    receivers=[r.col for r in receivers])
        self.tracker = GazeTracker([r.nfl_id for r in receivers])
        self.labels = ReceiverKeys([(str(r.key), r.col) for r in receivers], names.index("head_top"))
        self.labels.root.reparent_to(renderer.scene)
        self.info.joint_names = names
        self.hold_t = ball_in_hand_time(play)
        self.last_eye = np.array([line_of_scrimmage_m(play) - 7 * YARD, FIELD.centre_y * YARD, 1.8], np.float32)
        trainee.begin_rep(self.info)
        self.writer.write(self.start_record())
        self.writer.flush()

    def start_record(self) -> RepStart:
        play, c = self.play, self.clock_info
        qb = self.info.qb
        r = play.roster
        return RepStart(
            rep=self.index, play_ref=self.plan.ref, play_key=play.key, title=self.plan.title, note=self.plan.note,
            wall_t=self.writer.wall(), start_t=c.start, stop_t=c.stop, end_t=c.end, pressure_t=c.pressure_t,
            pressure_how=c.pressure_how, qb_nfl_id=None if qb is None else int(r.nfl_id[qb]),
            trainee_spec=self.trainee.rep_spec,
            receivers=[ReceiverEntry(x.key, x.nfl_id, x.jersey, x.position, x.name) for x in self.info.receivers],
            players={int(n): player_label({"name": nm, "position": pos, "jersey": int(j)})
                     for n, nm, pos, j in zip(r.nfl_id, r.name, r.position, r.jersey)},
            seed=self.seed, model_from_t=self.model_from_t)

    # ------------------------------------------------------------ the frame loop

    def play_frames(self, clock: FrameClock) -> RepEnd:
        """Run frames from the rep's start until it ends (a throw, the pressure, the end of the play, a quit)."""
        c = self.clock_info
        clock.start(c.start)
        while True:
            t = clock.next()
            if t is None:  # no frame to show now (a headset not visible)
                if self.renderer.backend.should_close():
                    return RepEnd("quit", None)
                continue
            if t >= c.stop - 1e-9:
                return RepEnd("sack" if c.pressure_t is not None else "no_throw", round(c.stop, 4))
            end = self.step(t)
            if end is not None:
                return end

    def step(self, t: float) -> RepEnd | None:
        """One frame at play time `t`: pose the play, read and measure the gaze, record it, read the inputs and
        draw; the rep's end when an input ends it."""
        frame = self.pose(t)
        g = self.trainee.gaze(frame)
        if not self.tracked:  # before any end: the result screen shows what the trainee was looking at
            self.renderer.look(g.origin, g.origin + 10.0 * g.head, DESKTOP_FOV_H)
        self.measure(frame, g)
        end = self.read_inputs(frame)
        if end is None:
            self.draw(t)
        return end

    def pose(self, t: float) -> FrameInfo:
        """Every player's joints at `t` and the QB's eye point (the last one while he is untracked)."""
        from engine.app import update_frame

        update_frame(self.view, t)
        joints = self.view.scene.joints
        qb = self.info.qb
        eye = eye_point(joints[qb], self.info.joint_names) if qb is not None else self.last_eye
        if not np.all(np.isfinite(eye)):  # the QB untracked on this frame: keep the last eye point
            eye = self.last_eye
        self.last_eye = eye
        return FrameInfo(t, joints, eye, self.info)

    def measure(self, frame: FrameInfo, g: GazeInput) -> None:
        """Hit-test the gaze, update the metrics, record the frame (and the snap when it passes)."""
        t, w = frame.t, self.writer
        c0 = time.perf_counter()
        hit = self.gaze_scene.hit(frame.joints, g.origin, g.direction)
        yaw, pitch = head_angles(g.head)
        if t >= 0 and not self.snapped:
            self.snapped = True
            w.write(RepEvent(self.index, "snap", t, w.wall()))
        self.tracker.update(t, g.direction, hit.nfl_id, hit.zone, hit.category, pitch)
        if self.costs is not None:
            self.costs.append((time.perf_counter() - c0) * 1e3)
        w.write(FrameSample(self.index, t, g.origin, g.direction, self.frames, w.wall(),
                            None if g.head is g.direction else g.head, yaw, pitch, g.source, hit.nfl_id, hit.zone,
                            hit.category, hit.point))
        self.frames += 1

    def read_inputs(self, frame: FrameInfo) -> RepEnd | None:
        """Record the trainee's buttons; a throw (after the snap) or a quit ends the rep."""
        t, w, trainee = frame.t, self.writer, self.trainee
        for name in trainee.raw_inputs():
            w.write(ButtonPress(self.index, name, t, w.wall()))
        if t >= 0:
            th = trainee.throw(frame)
            if th is not None and t < self.hold_t:
                self.refuse_throw(t, th.how)
            elif th is not None:
                w.write(Throw(self.index, int(th.nfl_id), t, th.how, w.wall(), _vec3(th.velocity), th.aimed))
                return RepEnd("throw", round(t, 5), int(th.nfl_id))
        if trainee.wants_quit():
            return RepEnd("quit", round(t, 5))
        return None

    def refuse_throw(self, t: float, how: str) -> None:
        """A throw before the QB holds the ball: recorded as an input (not a decision), the reason on the HUD."""
        self.writer.write(ButtonPress(self.index, f"throw_refused:{how or 'input'}", t, self.writer.wall()))
        if self.overlay is not None:
            self.overlay.show_hint(NOT_YET)

    def draw(self, t: float) -> None:
        self.labels.update(self.view.scene.joints, self.renderer.eye_position(), self.renderer.px_per_rad)
        if self.overlay is not None:
            self.overlay.resize(self.renderer.aspect)
            self.overlay.update(t)
        if self.renderer.render() and self.after_render is not None:
            self.after_render(self.index, t)

    # ------------------------------------------------------------ the ball in the air (after a throw)

    def ball_flight(self, end: RepEnd, clock: FrameClock) -> ThrowResult | None:
        """After a throw: the model plays on from the release, the ball flies to the catch point and the outcome
        is drawn at the arrival; frames run until shortly after it (the decision is already recorded)."""
        if end.name != "throw" or end.t is None:
            return None
        from engine.cp import cp_at
        cp = cp_at(self.play, float(end.t)).get(int(end.nfl_id), float("nan"))
        thrown, res = thrown_play(self.play, float(end.t), int(end.nfl_id), self.seed, cp, qb_xy=self._thrower_xy())
        self.swap_play(thrown, float(end.t))
        stop = res.t_arrive + AFTER_ARRIVAL_S
        who = player_label(self._label_row(res.nfl_id))
        while not self.renderer.backend.should_close():
            t = clock.next()
            if t is None:
                continue
            if t > stop + 1e-9:
                break
            frame = self.pose(t)
            if not self.tracked:
                g = self.trainee.gaze(frame)
                self.renderer.look(g.origin, g.origin + 10.0 * g.head, DESKTOP_FOV_H)
            if self.overlay is not None and t >= res.t_arrive - 1e-9:
                self.overlay.show_result(outcome_text(res, who))
            self.draw(t)
        return res

    def _label_row(self, nfl_id: int) -> dict[str, Any]:
        r = self.play.roster
        i = r.index_of(int(nfl_id))
        return {"name": r.name[i], "position": r.position[i], "jersey": int(r.jersey[i])}

    def _thrower_xy(self) -> np.ndarray | None:
        """Where a headset trainee threw from (yd): the QB's track moved to where he stands (None elsewhere)."""
        sc = self.view.scene
        if not self.tracked or sc.qb is None or sc.qb_shift is None or sc.t is None:
            return None
        from replay.timebase import sample_tracks
        tr = sample_tracks(self.play, np.array([sc.t]))
        return np.array([tr.x[0, sc.qb], tr.y[0, sc.qb]]) + sc.qb_shift / YARD

    def swap_play(self, play: Play, t_split: float) -> None:
        """Show `play` from `t_split` on: the same players and field (the model's continuation of the play on
        screen), so only the skeletons and the ball change. They are synthesised from its tracks as from a
        recording, on a short window (`SYNTH_MARGIN_S` before `t_split` to its end: a whole play's skeletons
        took ~0.5-1 s, a visible pause at the throw), and eased in from the skeletons on screen over `BLEND_S`."""
        from replay.transform import window_play
        from scenes.pose_source import SplicedPoses, pose_source_for
        after = pose_source_for(window_play(play, t_split - SYNTH_MARGIN_S))
        self.play = play
        self.view.scene.poses = SplicedPoses(self.view.scene.poses, after, t_split, BLEND_S)
        self.view.scene.play = play

    def record_outcome(self, end: RepEnd, res: ThrowResult | None) -> None:
        """The rep's outcome and the model's tracks the trainee saw (from the model's start to the last frame)."""
        w = self.writer
        if res is not None:
            o = res.outcome
            w.write(RepOutcome(self.index, o.result, res.t_arrive, self.seed, self.model_from_t, res.nfl_id, res.cp,
                               list(res.catch_xy), res.t_arrive, o.separation, o.p_complete, o.p_intercept,
                               w.wall()))
        elif end.name in ("sack", "no_throw"):
            w.write(RepOutcome(self.index, end.name, end.t, self.seed, self.model_from_t, wall_t=w.wall()))
        starts = [t for t in (self.model_from_t, None if res is None else res.t) if t is not None]
        if starts:
            p = self.play
            k = np.flatnonzero(p.t >= min(starts) - 1e-6)
            w.write(ModelTracks(self.index, p.t[k].tolist(), p.roster.nfl_id.astype(float).tolist(),
                                p.x[k].ravel().tolist(), p.y[k].ravel().tolist(), w.wall()))

    # ------------------------------------------------------------ after the frames

    def result_screen_text(self, end: RepEnd, res: ThrowResult | None) -> str:
        """The result screen (desktop overlay and headset panel alike): the outcome, the decision time and CP
        against the best available, and what the real QB did."""
        text = result_text(self.play, self.info, end)
        if res is not None:
            text = outcome_text(res, player_label(self._label_row(res.nfl_id))) + "\n" + text
        return text + "\n" + real_qb_text(self.plan.play, self.info)

    def hold_result(self, end: RepEnd, hold_s: float, res: ThrowResult | None = None) -> None:
        """Show the result screen for `hold_s` seconds (a trainee reads it before the replay and the next rep):
        on the overlay, or through the trainee's own `show_result(text, seconds)` (the headset's panel)."""
        if end.name == "quit" or hold_s <= 0:
            return
        self.result = self.result_screen_text(end, res)
        show = getattr(self.trainee, "show_result", None)
        if show is not None:
            show(self.result, hold_s)
            return
        if self.overlay is None or self.tracked:
            return
        renderer = self.renderer
        self.overlay.show_result(self.result, real=self.play.meta.description)
        w_end = time.monotonic() + hold_s
        while time.monotonic() < w_end and not renderer.backend.should_close():
            self.overlay.resize(renderer.aspect)
            renderer.render()
            time.sleep(1 / 60)

    def instant_replay(self, end: RepEnd, res: ThrowResult | None, hold_s: float) -> None:
        """The last REPLAY_S seconds of the rep again from the overhead (all-22) camera, with the ball's flight.
        Frames come from the trainee's `replay_ticks(seconds)` when it has one (the headset: one per display
        frame, the trigger or the menu button skips, the view from above), else at REPLAY_FPS on the overlay
        (space or a click skips; at human pace when a human reads the result, `hold_s` >= 1 s, else as fast as
        it renders). Recorded: a "replay" event when it starts, an `InstantReplay` record when it ends."""
        ticks = getattr(self.trainee, "replay_ticks", None)
        if end.name == "quit" or end.t is None or (ticks is None and (self.overlay is None or self.tracked)):
            return
        from engine.app import update_frame
        t1 = res.t_arrive + AFTER_ARRIVAL_S if res is not None else float(end.t)
        t0 = max(t1 - REPLAY_S, self.clock_info.start)
        w = self.writer
        w.write(RepEvent(self.index, "replay", t0, w.wall()))
        w.flush()
        if ticks is None:
            self.overlay.show_hint(REPLAY_HINT)
            ticks = self._overlay_ticks(hold_s)
        self.view.set_camera(REPLAY_CAMERA)
        frames, shown = 0, 0.0
        for dt in ticks(t1 - t0):
            shown = float(dt)
            update_frame(self.view, t0 + shown)
            self.draw(t0 + shown)
            frames += 1
        self.view.set_camera("qb")
        if self.tracked:
            update_frame(self.view, t1)  # back on the trainee's spot for the fade out
        how = "closed" if self.renderer.backend.should_close() else "played" if shown >= t1 - t0 - 1e-6 \
            else "skipped"
        w.write(InstantReplay(self.index, self.result, t0, t0 + shown, frames, REPLAY_CAMERA, how,
                              w.wall()))
        w.flush()

    def _overlay_ticks(self, hold_s: float) -> Callable[[float], Any]:
        """Replay times on a window or offscreen: REPLAY_FPS steps, space or a click skips."""
        keys = getattr(self.trainee, "keys", None)

        def ticks(seconds: float):
            n = int(np.ceil(seconds * REPLAY_FPS - 1e-9))
            for k in range(n + 1):
                if self.renderer.backend.should_close() or (
                        keys is not None and any(e in ("space", "mouse1") for e in keys.poll())):
                    return
                yield min(k / REPLAY_FPS, seconds)
                if hold_s >= 1.0:
                    time.sleep(1.0 / REPLAY_FPS)
        return ticks

    def between_reps(self, end: RepEnd, res: ThrowResult | None) -> None:
        """The trainee's own interlude before the next rep (the headset's: fade out, ready panel, recentre)."""
        between = getattr(self.trainee, "between_reps", None)
        if between is not None and end.name != "quit":
            between(self.result or self.result_screen_text(end, res), self.next_label)

    def teardown(self) -> None:
        """Remove what setup added to the scene (also after a failed setup)."""
        from engine.app import close_play

        if self.labels is not None:
            self.labels.root.remove_node()
        if self.overlay is not None:
            self.overlay.root.remove_node()
        if self.view is not None:
            close_play(self.view)

    def record_end(self, end: RepEnd) -> None:
        self.writer.write(RepEvent(self.index, end.name, end.t, self.writer.wall()))
        self.writer.flush()


def run_rep(rep_index: int, plan: RepPlan, renderer, trainee: Trainee, writer: SessionWriter, clock: FrameClock,
            *, costs: list[float] | None = None, after_render: Callable[[int, float], None] | None = None,
            reps_total: int = 1, hold_s: float = 0.0, next_label: str | None = None, seed: int = 0) -> RepEnd:
    """Run one rep; returns how it ended. Records the rep's start, one frame sample per frame, inputs and events.
    `costs` collects the per-frame milliseconds of gaze hit-testing and metric updates; `after_render(rep, t)`
    is called after each rendered frame (screenshots in tests and benchmarks)."""
    rep = Rep(rep_index, plan, renderer, trainee, writer, reps_total=reps_total, costs=costs,
              after_render=after_render, seed=seed)
    rep.next_label = next_label
    try:
        rep.setup()
        end = rep.play_frames(clock)
        res = rep.ball_flight(end, clock)
        # recorded (and flushed) before the outcome is shown: nothing waits on the trainee
        rep.record_outcome(end, res)
        rep.record_end(end)
        rep.hold_result(end, hold_s, res)
        if hold_s > 0:
            rep.instant_replay(end, res, hold_s)
        rep.between_reps(end, res)
    finally:
        clock.abandon()
        rep.teardown()
    return end


def run_session(plans: list[RepPlan], renderer, trainee: Trainee, out_dir: str | Path, *, clock: FrameClock,
                target: str = "", backend_name: str = "", load_play: Callable[[str], Play] | None = None,
                costs: list[float] | None = None,
                after_render: Callable[[int, float], None] | None = None, hold_s: float | None = None,
                seed: int | None = None) -> SessionResult:
    """Run every rep, recording into `out_dir`, then write `summary.json` recomputed from the stream.
    `hold_s`: seconds the outcome stays on screen after a rep (default: the trainee's `result_hold_s`).
    `seed`: the session's seed (rep k uses seed + k, recorded in the stream; default 0): the same inputs on the
    same plays give the same continuation and outcomes, whatever the display."""
    if hold_s is None:
        hold_s = trainee.result_hold_s
    if seed is None:
        seed = 0
    out = Path(out_dir)
    header = SessionHeader(started=datetime.now(timezone.utc).isoformat(timespec="seconds"), target=target,
                           backend=backend_name or renderer.backend.name, trainee=trainee.name,
                           trainee_spec=trainee.spec, clock=type(clock).__name__, fps=clock.fps,
                           plays=[p.ref for p in plans])
    writer = SessionWriter(out, header)
    w0 = time.monotonic()
    try:
        for k, plan in enumerate(plans, start=1):
            end = run_rep(k, plan, renderer, trainee, writer, clock, costs=costs, after_render=after_render,
                          reps_total=len(plans), hold_s=hold_s, seed=seed + k,
                          next_label=f"rep {k + 1} of {len(plans)}: {plans[k].title}" if k < len(plans) else None)
            if end.name == "quit":
                break
    finally:
        writer.close()
    wall = time.monotonic() - w0
    contents = read_stream(out)
    plays = {p.ref: p.play for p in plans}

    def loader(ref: str) -> Play:
        return plays[ref] if ref in plays else (load_play or load_play_ref)(ref)

    summary = summarize(contents, loader)
    write_summary(out, summary)
    return SessionResult(out, summary, len(contents.of_type(FrameSample)), wall)
