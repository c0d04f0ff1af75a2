"""The trainee behind a small interface: where his eyes point each frame and when he throws to whom.

The training loop (`engine.training.loop`) asks a `Trainee` once per frame for a `GazeInput` (gaze ray, head
direction, source) and a `ThrowInput` (or None). Three kinds exist:

- `ScriptedTrainee`: a SPEC of looks and a throw, for tests, benchmarks and headless demos;
- `DesktopTrainee`: mouse-look (the cursor's offset from the window centre turns the head) and a click on a
  receiver, or the number key shown next to him;
- `engine.xr.trainee.HeadsetTrainee` reads head/eye poses and the trigger from the OpenXR backend.

SPEC (`--trainee scripted:SPEC`): comma-separated steps `WHO@T` (look at WHO from T seconds after the snap) and
`throw=WHO@T` (throw to WHO at T). WHO is a receiver key `1`-`9` (the numbers shown next to the eligible
receivers, left to right from the quarterback's view), `#88` (a jersey), `id:2552600` (an nfl_id), `downfield`
(eye level straight ahead), `rush` (the nearest pass rusher) or `pocket` (the ground 3 yd ahead). Before the
first step he looks downfield. Example: `1@0.3,2@0.8,throw=2@2.4`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from replay.errors import QbvrError
from replay.field_frame import YARD
from replay.play import Play
from replay.roles import pass_rushers

from .gaze import aim_point, direction_from_angles

EYE_LEVEL_PITCH_DEG = -6.0


class TraineeSpecError(QbvrError):
    """A scripted trainee SPEC that cannot be read."""


@dataclass
class Receiver:
    """An eligible receiver of the rep and the key that throws to him."""

    key: int
    col: int
    nfl_id: int
    jersey: int
    position: str
    name: str

    @property
    def label(self) -> str:
        j = f"#{self.jersey}" if self.jersey >= 0 else ""
        return f"{self.key} {self.position}{j}".strip()


@dataclass
class RepInfo:
    """What a trainee knows about the rep before it starts."""

    play: Play
    qb: int | None
    receivers: list[Receiver]
    start_t: float
    stop_t: float  # the pressure, else the end of the recording
    joint_names: tuple[str, ...] | list[str]


@dataclass
class FrameInfo:
    """One frame as the trainee sees it: play time, every player's joints, the quarterback's eye point."""

    t: float
    joints: np.ndarray  # [P, J, 3] metres
    eye: np.ndarray  # [3] metres
    rep: RepInfo


@dataclass
class GazeInput:
    origin: np.ndarray  # [3] world metres
    direction: np.ndarray  # [3] unit: where the eyes point (eye tracker), else the head's forward
    head: np.ndarray  # [3] unit: the head's forward
    source: str  # "head", "eye", "script", "mouse"


@dataclass
class ThrowInput:
    nfl_id: int
    how: str  # "script", "click", "key", "trigger", "motion"
    velocity: np.ndarray | None = None  # [3] world m/s: the hand's release velocity (a throw with the arm)
    aimed: str = ""  # how the receiver was picked: "release" (the release direction), "controller", "gaze"


@runtime_checkable
class Trainee(Protocol):
    """Gaze and throw input of a rep. Implementations subclass it to inherit the defaults below."""

    name: str = ""  # "scripted", "desktop", "headset": recorded, and picks the overlay's how-to-throw line
    spec: str | None = None  # how it was configured (a scripted SPEC), recorded in the session header
    crosshair: bool = False  # it aims with the centre of the view: the overlay draws a crosshair there
    result_hold_s: float = 0.0  # seconds a rep's outcome stays on screen before the next rep (0: none)

    @property
    def rep_spec(self) -> str | None:
        """What it will do this rep (a scripted trainee's steps), recorded with the rep; None for a person."""
        return None

    def begin_rep(self, rep: RepInfo) -> None: ...

    def gaze(self, frame: FrameInfo) -> GazeInput: ...

    def raw_inputs(self) -> list[str]:
        """This frame's key and button events, recorded in the session stream (none by default)."""
        return []

    def throw(self, frame: FrameInfo) -> ThrowInput | None: ...

    def wants_quit(self) -> bool: ...


def number_receivers(play: Play, qb: int | None, nfl_ids: list[int] | np.ndarray) -> list[Receiver]:
    """Key the eligible receivers 1..N from the quarterback's left (+y) to his right, by position at the snap."""
    r = play.roster
    f = play.event_frame("ball_snap") or 0
    cols = [r.index_of(int(n)) for n in nfl_ids]
    y = [float(play.y[f, c]) if np.isfinite(play.y[f, c]) else 0.0 for c in cols]
    order = sorted(range(len(cols)), key=lambda k: -y[k])
    return [Receiver(k + 1, cols[i], int(r.nfl_id[cols[i]]), int(r.jersey[cols[i]]), str(r.position[cols[i]]),
                     str(r.name[cols[i]])) for k, i in enumerate(order)]


# ----------------------------------------------------------------- scripted trainee

@dataclass
class ScriptStep:
    t: float
    who: str
    throw: bool = False


_STEP = re.compile(r"^(throw=)?([^@\s]+)@(-?\d+(?:\.\d*)?)$")


def parse_spec(spec: str) -> list[ScriptStep]:
    """Steps of a SPEC, sorted by time; a TraineeSpecError names the bad step."""
    steps = []
    for raw in [s.strip() for s in spec.split(",") if s.strip()]:
        m = _STEP.match(raw)
        if not m:
            raise TraineeSpecError(f"trainee SPEC step {raw!r} is not WHO@T or throw=WHO@T (e.g. 1@0.3,throw=2@2.4)")
        who = m.group(2)
        if not (re.fullmatch(r"[1-9]|#\d{1,2}|id:\d+", who) or who in ("downfield", "rush", "pocket")):
            raise TraineeSpecError(f"trainee SPEC step {raw!r}: WHO {who!r} is not a receiver key 1-9, #JERSEY, "
                                   "id:NFLID, downfield, rush or pocket")
        if m.group(1) and who in ("downfield", "rush", "pocket"):
            raise TraineeSpecError(f"trainee SPEC step {raw!r}: a throw needs a receiver")
        steps.append(ScriptStep(float(m.group(3)), who, bool(m.group(1))))
    if sum(s.throw for s in steps) > 1:
        raise TraineeSpecError("trainee SPEC has more than one throw")
    return sorted(steps, key=lambda s: (s.t, s.throw))


def default_spec(n_receivers: int, stop_t: float) -> str:
    """The demo's scripted read: each receiver for 0.5 s from the left from 0.2 s, then throw to the one he is
    looking at at 2.4 s (earlier when the pressure comes first)."""
    throw_t = round(max(0.5, min(2.4, stop_t - 0.3)), 1)
    steps, t, k = [], 0.2, 0
    while t < throw_t and n_receivers:
        steps.append(f"{k % n_receivers + 1}@{t:.1f}")
        last = k % n_receivers + 1
        t, k = round(t + 0.5, 1), k + 1
    steps.append(f"throw={last if n_receivers else 1}@{throw_t:.1f}")
    return ",".join(steps)


def check_throw_time(steps: list[ScriptStep], play: Play) -> None:
    """A scripted throw before the QB holds the ball is not a legal throw: refused before the rep starts."""
    from replay.roles import ball_in_hand_time
    for s in steps:
        if s.throw:
            hold = ball_in_hand_time(play)
            if s.t < hold - 1e-9:
                raise TraineeSpecError(
                    f"trainee SPEC step throw={s.who}@{s.t:g} is before the QB holds the ball: on play {play.key} "
                    f"the snap reaches him at {hold:.2f} s; throw at or after it")


class ScriptedTrainee(Trainee):
    """Looks and throws as a SPEC says (see the module docstring); head gaze, so the head turns with the eyes."""

    name = "scripted"

    def __init__(self, spec: str | None = None):
        self.spec = spec
        self.steps = parse_spec(spec) if spec else None
        self.rep: RepInfo | None = None
        self._steps: list[ScriptStep] = []
        self._thrown = False

    def begin_rep(self, rep: RepInfo) -> None:
        self.rep = rep
        self._thrown = False
        self._steps = self.steps if self.steps is not None else parse_spec(default_spec(len(rep.receivers),
                                                                                          rep.stop_t))
        for s in self._steps:
            if s.who not in ("downfield", "rush", "pocket"):
                self._col(s.who)  # unknown receivers fail before the rep starts
        check_throw_time(self._steps, rep.play)

    @property
    def rep_spec(self) -> str:
        return ",".join(("throw=" if s.throw else "") + f"{s.who}@{s.t:g}" for s in self._steps)

    def _col(self, who: str) -> int:
        rep = self.rep
        r = rep.play.roster
        if who.isdigit():
            for rc in rep.receivers:
                if rc.key == int(who):
                    return rc.col
            raise TraineeSpecError(f"trainee SPEC names receiver {who} but play {rep.play.key} has "
                                   f"{len(rep.receivers)} eligible receivers")
        if who.startswith("#"):
            hits = [rc.col for rc in rep.receivers if rc.jersey == int(who[1:])]
            if not hits:
                raise TraineeSpecError(f"trainee SPEC names jersey {who} but no eligible receiver of play "
                                       f"{rep.play.key} wears it")
            return hits[0]
        nid = int(who.split(":")[1])
        try:
            return r.index_of(nid)
        except KeyError:
            raise TraineeSpecError(f"trainee SPEC names nfl_id {nid}, not in play {rep.play.key}") from None

    def _nfl_id(self, who: str) -> int:
        return int(self.rep.play.roster.nfl_id[self._col(who)])

    def _current(self, t: float) -> str:
        who = "downfield"
        for s in self._steps:
            if s.throw or s.t > t + 1e-9:
                continue
            who = s.who
        return who

    def gaze(self, frame: FrameInfo) -> GazeInput:
        who = self._current(frame.t)
        eye = frame.eye
        if who == "downfield":
            d = direction_from_angles(0.0, EYE_LEVEL_PITCH_DEG)
        elif who == "pocket":
            d = np.array([3 * YARD, 0.0, -float(eye[2])], np.float32)
        elif who == "rush":
            rush = pass_rushers(self.rep.play)  # the index's rushers, whatever labels an old store holds
            pts = frame.joints[rush, 2]  # necks
            dist = np.linalg.norm(pts - eye, axis=1)
            ok = np.isfinite(dist)
            if not ok.any():
                d = direction_from_angles(0.0, EYE_LEVEL_PITCH_DEG)
            else:
                d = aim_point(frame.joints, self.rep.joint_names, int(rush[ok][np.argmin(dist[ok])])) - eye
        else:
            p = aim_point(frame.joints, self.rep.joint_names, self._col(who))
            d = p - eye if np.all(np.isfinite(p)) else direction_from_angles(0.0, EYE_LEVEL_PITCH_DEG)
        d = np.asarray(d, np.float32)
        d /= max(float(np.linalg.norm(d)), 1e-9)
        return GazeInput(np.asarray(eye, np.float32), d, d, "script")

    def throw(self, frame: FrameInfo) -> ThrowInput | None:
        if self._thrown:
            return None
        for s in self._steps:
            if s.throw and frame.t >= s.t - 1e-9:
                self._thrown = True
                return ThrowInput(self._nfl_id(s.who), "script")
        return None

    def wants_quit(self) -> bool:
        return False


# ----------------------------------------------------------------- desktop trainee

@dataclass
class MouseLook:
    """Head direction from the cursor: its offset from the window centre turns the head (absolute mapping, so
    letting go of the mouse keeps the view)."""

    yaw_range: float = 80.0  # degrees at the window's edge
    pitch_range: float = 30.0
    pitch0: float = EYE_LEVEL_PITCH_DEG
    yaw: float = 0.0
    pitch: float = EYE_LEVEL_PITCH_DEG

    def update(self, mouse: tuple[float, float] | None) -> None:
        if mouse is None:
            return
        self.yaw = -float(np.clip(mouse[0], -1, 1)) * self.yaw_range
        self.pitch = self.pitch0 + float(np.clip(mouse[1], -1, 1)) * self.pitch_range

    def direction(self) -> np.ndarray:
        return direction_from_angles(self.yaw, self.pitch)


def pick_receiver(rep: RepInfo, joints: np.ndarray, eye: np.ndarray, direction: np.ndarray,
                  max_deg: float = 6.0) -> int | None:
    """The eligible receiver nearest in angle to a ray (a click at the crosshair), within `max_deg`."""
    best, best_ang = None, math.radians(max_deg)
    for rc in rep.receivers:
        p = aim_point(joints, rep.joint_names, rc.col) - eye
        n = float(np.linalg.norm(p))
        if not np.isfinite(n) or n < 1e-6:
            continue
        ang = math.acos(max(-1.0, min(1.0, float(np.dot(p / n, direction)))))
        if ang < best_ang:
            best, best_ang = rc.nfl_id, ang
    return best


@dataclass
class DesktopTrainee(Trainee):
    """Mouse-look and click (or number keys) in a desktop window; esc quits the session. A click throws at the
    crosshair; the outcome of each rep stays on screen for `result_hold_s`."""

    window: object
    name: str = "desktop"
    crosshair: bool = True
    result_hold_s: float = 1.5
    look: MouseLook = field(default_factory=MouseLook)
    keys: object = None  # an `engine.input.KeyboardMouse` (poll() -> event names, mouse() -> (x, y) or None)

    def __post_init__(self):
        if self.keys is None:
            from engine.input import KeyboardMouse
            self.keys = KeyboardMouse(self.window)
        if hasattr(self.window, "request_properties"):
            # the cursor turns the head and the click throws at the crosshair: a visible cursor elsewhere misleads
            from panda3d.core import WindowProperties
            wp = WindowProperties()
            wp.set_cursor_hidden(True)
            self.window.request_properties(wp)
        self.rep: RepInfo | None = None
        self._events: list[str] = []
        self._quit = False

    def begin_rep(self, rep: RepInfo) -> None:
        self.rep = rep
        self.keys.poll()  # drop clicks made between reps

    def gaze(self, frame: FrameInfo) -> GazeInput:
        self._events = self.keys.poll()
        if any(e in ("escape", "q") for e in self._events):
            self._quit = True
        self.look.update(self.keys.mouse())
        d = self.look.direction()
        return GazeInput(np.asarray(frame.eye, np.float32), d, d, "mouse")

    def raw_inputs(self) -> list[str]:
        """This frame's key and button events (recorded in the session stream)."""
        return [e for e in self._events if not e.endswith("-repeat")]

    def throw(self, frame: FrameInfo) -> ThrowInput | None:
        for e in self._events:
            if e.isdigit() and e != "0":
                for rc in self.rep.receivers:
                    if rc.key == int(e):
                        return ThrowInput(rc.nfl_id, "key")
            if e == "mouse1":
                nid = pick_receiver(self.rep, frame.joints, frame.eye, self.look.direction())
                if nid is not None:
                    return ThrowInput(nid, "click")
        return None

    def wants_quit(self) -> bool:
        return self._quit or self.window.is_closed()
