"""Starting a training session: the display backend (a headset when an OpenXR runtime answers, else a desktop
window, else offscreen), its renderer, the trainee and the frame clock - the one place that composes them, for
`qbvr train`, `qbvr demo`, tests and scripts.

    with open_session("auto", trainee="scripted:1@0.3,throw=2@2.4", say=print) as session:
        result = session.run(plans, "/tmp/session")

    result = train("builtin", backend="offscreen")  # plans, session, recording and report in one call

This module imports no rendering code until a session opens (the CLI imports it to build its help).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Union

from replay.errors import QbvrError
from replay.paths import safe_name
from replay.store import user_data_dir

if TYPE_CHECKING:
    from .clock import FrameClock
    from .loop import RepPlan, SessionResult
    from .trainee import Trainee

BACKENDS = ("auto", "xr", "desktop", "offscreen")
DEFAULT_SIZES = {"desktop": (1280, 720), "offscreen": (960, 540)}
Say = Callable[[str], Any]
Size = Union[tuple[int, int], Mapping[str, tuple[int, int]], None]  # one for any display, or per backend


def default_sessions_dir() -> Path:
    """`$QBVR_SESSIONS`, else the per-user data directory (`$XDG_DATA_HOME/qbvr/sessions`)."""
    return user_data_dir("QBVR_SESSIONS", "sessions")


def new_session_dir(target: str) -> Path:
    """A new session directory for `target` under `default_sessions_dir()`, named by the UTC time and target."""
    slug = safe_name(re.sub(r"[^A-Za-z0-9]+", "-", target), max_len=40, fallback="session")
    return default_sessions_dir() / f"{datetime.now(timezone.utc):%Y%m%d-%H%M%S}-{slug}"


# ----------------------------------------------------------------- the display

def choose_backend(name: str, *, say: Say | None = None) -> str:
    """The backend `auto` resolves to: a headset when an OpenXR runtime answers, else a window, else offscreen.
    `say(line)` hears one line on why the headset was skipped."""
    if name != "auto":
        return name
    try:
        from engine.xr.runtime import probe_runtime
        probe = probe_runtime()
        if probe.ok:
            return "xr"
        reason = probe.reason
    except Exception as e:  # noqa: BLE001 - a broken runtime must not stop a desktop or headless session
        reason = f"the OpenXR probe failed: {type(e).__name__}: {e}"
    return _without_headset(reason, say)


def _without_headset(reason: str, say: Say | None) -> str:
    """The headset fallback: a desktop window when a display answers, else offscreen, and one line saying why."""
    from engine.backends.panda_display import display_available
    chosen = "desktop" if display_available() else "offscreen"
    if say is not None:
        say(f"no headset ({reason}): running the {'desktop window' if chosen == 'desktop' else 'offscreen backend'}")
    return chosen


@dataclass
class TrainingSession:
    """An open display with its renderer, trainee and frame clock; `close()` (or `with`) releases the display."""

    backend: str  # "xr", "desktop" or "offscreen"
    renderer: Any  # engine.renderer.Renderer
    trainee: Trainee
    clock: FrameClock

    def run(self, plans: list[RepPlan], out_dir: str | Path, *, target: str = "", **kw) -> SessionResult:
        """Train `plans`, recording into `out_dir` (`engine.training.loop.run_session`)."""
        from .loop import run_session
        return run_session(plans, self.renderer, self.trainee, out_dir, clock=self.clock, target=target,
                           backend_name=self.backend, **kw)

    def close(self) -> None:
        self.renderer.close()

    def __enter__(self) -> "TrainingSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_session(backend: str = "auto", *, trainee: str | None = None, size: Size = None, fps: float = 60.0,
                 realtime: bool = False, title: str = "qbvr", say: Say | None = None,
                 throw: str = "motion") -> TrainingSession:
    """Open a display and pick the trainee and the clock for it.

    `backend`: one of BACKENDS; with `auto`, a headset whose session fails to open still falls back to a window
    or offscreen (one line to `say`). `trainee`: "scripted[:SPEC]", "desktop" or "headset" (default: the
    display's own - headset, desktop window, scripted offscreen). `size`: the window or buffer size, or one per
    backend name (default `DEFAULT_SIZES`). Offscreen frames advance `fps` per play second, held to real time
    with `realtime`; a window follows the wall clock; a headset its runtime's display times. `throw`: how the
    headset trainee throws, "motion" (with the arm) or "trigger" (`engine.xr.trainee.THROW_MODES`)."""
    from engine.backends.interface import DisplayUnavailable

    chosen = choose_backend(backend, say=say)
    try:
        return _open(chosen, trainee, size, fps, realtime, title, throw)
    except DisplayUnavailable as e:
        if not (backend == "auto" and chosen == "xr"):
            raise
        # the runtime answered the probe but the session failed
        return _open(_without_headset(str(e), say), trainee, size, fps, realtime, title, throw)


def _open(backend: str, kind: str | None, size: Size, fps: float, realtime: bool, title: str,
          throw: str = "motion") -> TrainingSession:
    from engine.renderer import Renderer

    from .trainee import DesktopTrainee, ScriptedTrainee

    kind = kind or ("desktop" if backend == "desktop" else "headset" if backend == "xr" else "scripted")
    if backend == "xr":
        renderer, trainee, clock = _open_headset(kind == "headset", title, throw)
    else:
        from engine.backends.panda_display import PandaDisplay

        from .clock import FixedStepClock, RealTimeClock
        mode = "window" if backend == "desktop" else "offscreen"
        wh = size.get(backend) if isinstance(size, Mapping) else size
        renderer = Renderer(PandaDisplay(mode, wh or DEFAULT_SIZES[backend], title=title))
        trainee = None
        if kind == "desktop":
            if renderer.backend.window is None:
                renderer.close()
                raise QbvrError("--trainee desktop needs a desktop window (--backend desktop)")
            trainee = DesktopTrainee(renderer.backend.window)
        clock = RealTimeClock() if mode == "window" else FixedStepClock(fps, pace=realtime)
    if trainee is None:
        if not kind.startswith("scripted"):
            renderer.close()
            raise QbvrError(f"--trainee {kind!r} is not scripted[:SPEC], desktop"
                            + (" or headset" if backend == "xr" else ""))
        trainee = ScriptedTrainee(kind.split(":", 1)[1] if ":" in kind else None)
    return TrainingSession(backend, renderer, trainee, clock)


def _open_headset(headset_trainee: bool, title: str, throw: str = "motion"):
    """Renderer, headset trainee (or None) and clock of an OpenXR session; DisplayUnavailable without one."""
    from engine.backends.interface import DisplayUnavailable
    from engine.renderer import Renderer
    from engine.xr.runtime import INSTALL_HINT, probe_runtime
    probe = probe_runtime()
    if not probe.ok:
        raise DisplayUnavailable(f"no headset: {probe.reason}; {INSTALL_HINT} (or use --backend desktop or "
                                 "offscreen)")
    from engine.xr.clock import HeadsetClock
    from engine.xr.flow import HeadsetFlow
    from engine.xr.headset import HeadsetBackend
    from engine.xr.openxr_driver import OpenXRDriver
    from engine.xr.trainee import HeadsetTrainee

    hb = HeadsetBackend(OpenXRDriver(title=title))
    renderer = Renderer(hb)
    trainee = HeadsetTrainee(hb, renderer.rig, renderer.scene, throw=throw, flow=HeadsetFlow(renderer, hb)) \
        if headset_trainee else None
    return renderer, trainee, HeadsetClock(hb)


# ----------------------------------------------------------------- what to train, and the whole session

def plans_for(target: str, store_dir: str | None = None, lead: float | None = None,
              say: Callable[[str], None] | None = None, seed: int | None = None) -> list[RepPlan]:
    """The reps of a target: one play (`GAMEID:PLAYID`, `synthetic:NAME`, with `@mirror,speed=F,to=S`) or every
    play of a drill, each as many times as its `reps`, mirrored, re-timed and cut as it says, in the drill's
    order (`shuffle`: a random order, `seed` for a repeatable one). A drill leaves out trick plays (the thrower
    got the ball by a handoff or a lateral) unless it says `"trick_plays": true`; `say(line)` hears which."""
    import random

    from replay.roles import trick_play
    from replay.store import PlayStore
    from scenes.drills import DrillPlay, drill_path, is_play_ref, load_drill

    store = PlayStore(store_dir)
    single = is_play_ref(target) and drill_path(target) is None
    drill = None if single else load_drill(target)
    items = [DrillPlay(target)] if drill is None else drill.plays
    keep_trick = drill is None or drill.trick_plays  # a play named on its own is trained as asked
    plans = []
    for item in items:
        plan = plan_for_drill_play(item, store, lead)
        if not keep_trick and trick_play(plan.play):
            (say or print)(f"left out {item.ref}: a trick play (the thrower got the ball by a handoff or a lateral); "
                           'set "trick_plays": true in the drill to train it')
            continue
        plans.extend([plan] * item.reps)
    if not plans:
        raise QbvrError(f'{target}: every play of the drill is a trick play; set "trick_plays": true to train them')
    if drill is not None and drill.order == "shuffle":
        random.Random(seed).shuffle(plans)
    return plans


def plan_for_drill_play(item, store, lead: float | None = None) -> RepPlan:
    """One drill play as a rep: its variation (mirror, speed, cut at `to`) named in the reference, `from` as the
    lead before the snap."""
    from replay.transform import Variation, split_ref
    from scenes.drills import event_or_seconds, load_play_ref

    from .loop import DEFAULT_LEAD_S, RepPlan

    base, given = split_ref(item.ref)
    real = load_play_ref(base, store)
    if real.event_frame("ball_snap") is None:
        raise QbvrError(f"play {real.key} has no snap to train from")
    start = event_or_seconds(real, item.start, f"{item.ref} from")
    end = event_or_seconds(real, item.end, f"{item.ref} to")
    if start is not None and start > 0:
        raise QbvrError(f"{item.ref}: from {item.start!r} is {start:.1f} s after the snap; a rep starts at or "
                        "before the snap")
    if end is not None and end <= 0:
        raise QbvrError(f"{item.ref}: to {item.end!r} is at or before the snap; a rep ends after it")
    v = Variation(given.mirror or item.mirror, item.speed if item.speed != 1.0 else given.speed,
                  end if end is not None else given.to_t)
    ref = base + v.suffix()
    play = real if v.plain else load_play_ref(ref, store)
    lead_s = lead if lead is not None else (-start if start is not None else item.lead_s or DEFAULT_LEAD_S)
    return RepPlan(ref, play, item.note, lead_s / v.speed)


def check_script(trainee: str | None, plans: list[RepPlan] | None = None) -> None:
    """A scripted trainee's SPEC reads, and every receiver it names exists in every play (TraineeSpecError
    otherwise) - checked before any window opens."""
    if not (trainee and trainee.startswith("scripted:")):
        return
    from .loop import rep_setup
    from .trainee import ScriptedTrainee
    check = ScriptedTrainee(trainee.split(":", 1)[1])
    for plan in plans or []:
        check.begin_rep(rep_setup(plan.play, plan.lead_s)[0])


def train(target: str, *, session: TrainingSession | None = None, backend: str = "auto", trainee: str | None = None,
          out: Path | None = None, size: Size = None, fps: float = 60.0, realtime: bool = False,
          lead: float | None = None, store: str | None = None, report: bool = True,
          say: Say | None = None, throw: str = "motion",
          athlete: str | None = None) -> SessionResult:
    """A whole training session on `target` (a play or a drill): its reps, recorded into `out` (default: a new
    directory under `default_sessions_dir()`), the summary and, with `report`, the report's plots. Opens a
    session on `backend` (see `open_session`) unless an open `session` is given, which stays open. With
    `athlete`, the session is that athlete's (`engine.coach.athletes`; a new name is added)."""
    if athlete is not None:
        from engine.coach.athletes import registered_name
        athlete = registered_name(athlete)  # a bad name fails before anything opens; "jane doe" is "Jane Doe"
    check_script(trainee)  # a bad SPEC fails before the plays load
    plans = plans_for(target, store, lead, say)
    check_script(trainee, plans)
    out = Path(out) if out is not None else new_session_dir(target if athlete is None else f"{athlete}-{target}")
    own = session is None
    if session is None:
        session = open_session(backend, trainee=trainee, size=size, fps=fps, realtime=realtime,
                               title=f"qbvr train {target}", say=say, throw=throw)
    try:
        result = session.run(plans, out, target=target)
        result.stopped = getattr(session.renderer.backend, "stopped_by_runtime", None)
    finally:
        if own:
            session.close()
    if athlete is not None:
        from engine.coach.athletes import add_athlete, tag_session
        tag_session(out, athlete)
        if add_athlete(athlete) and say is not None:
            say(f"new athlete {athlete} (qbvr athletes lists them)")
    if report:
        from .session.report import write_report
        from .session.stream import read_stream
        plays = {p.ref: p.play for p in plans}
        result.report = write_report(result.summary, read_stream(out), plays.__getitem__, out / "report")
    return result
