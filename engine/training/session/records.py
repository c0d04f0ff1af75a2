"""The records of a session stream: one typed record per thing that happens in a training session.

    SessionHeader  the session starts: format, version, backend, trainee, clock, the plays to train
    RepStart       a rep starts: play reference and key, the rep clock, eligible receivers, player labels
    FrameSample    one rendered frame: play and wall time, eye, gaze and head directions, what the gaze hit
    ButtonPress    a key or button the trainee pressed (desktop)
    Throw          the trainee threw: to whom and how
    RepEvent       a rep event: snap, throw, sack, no_throw, quit; "replay" when the instant replay starts
    RepOutcome     what the rep's play came to; ModelTracks the continuation model's tracks the trainee saw
    InstantReplay  the result screen and the instant replay after a rep: text, play times, frames, how it ended
    SessionEnd     the session closed cleanly

Times: `play_t` is play time (seconds from the snap), `wall_t` seconds since the session started.

Format 2 (written now) stores a record as a msgpack map of its field names plus `record`, its type. Format 1
(qbvr before the typed records) used short keys - `k` for the type (`session`, `rep`, `f`, `in`, `ev`, `end`),
`t`/`w` for the times, `dir`, `src`, `hit`, `cat`, `pt` in frames - and still reads: `from_record` maps its keys
onto the same fields, so a session recorded then reports as it did.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Union

FORMAT = "qbvr-session"
VERSION = 2
READS = (1, 2)  # the stream versions this code reads


class RecordError(ValueError):
    """A stream record that cannot be read: its type is unknown or a field is missing or malformed."""


def _r(v: float | None, n: int = 4) -> float | None:
    return None if v is None else round(float(v), n)


def _vec(v, n: int) -> list[float] | None:
    return None if v is None else [round(float(x), n) for x in v]


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _numbers(v: Any) -> bool:
    return isinstance(v, list) and all(_number(x) for x in v)


def _point(n: int):
    """A check for a point or direction: exactly `n` finite numbers."""
    return lambda v: _numbers(v) and len(v) == n and all(math.isfinite(x) for x in v)


Vec2 = list[float]  # annotations of points and directions: exactly 2 (3) finite numbers when read back
Vec3 = list[float]


_CHECKS = {"int": lambda v: isinstance(v, int) and not isinstance(v, bool), "float": _number, "str": lambda v:
           isinstance(v, str), "list[float]": _numbers, "list[str]": lambda v: isinstance(v, list)
           and all(isinstance(x, str) for x in v), "list[ReceiverEntry]": lambda v: isinstance(v, list)
           and all(isinstance(x, dict) for x in v), "dict[int, str]": lambda v: isinstance(v, dict),
           "Vec2": _point(2), "Vec3": _point(3)}
_EXPECTED = {"int": "an integer", "float": "a number", "str": "text", "list[float]": "a list of numbers",
             "list[str]": "a list of text", "list[ReceiverEntry]": "a list of receivers",
             "dict[int, str]": "a map", "Vec2": "2 finite numbers", "Vec3": "3 finite numbers"}
_SPECS: dict[tuple[type, int], list[tuple[str, str, bool, Any, str]]] = {}


def _spec(cls, version: int) -> list[tuple[str, str, bool, Any, str]]:
    """Per field of a record class: (field, key in the stream, required, check, expected) for a version."""
    key = (cls, version)
    if key not in _SPECS:
        keys = cls.V1 if version == 1 else {}
        spec = []
        for f in fields(cls):
            ann = str(f.type)
            optional = ann.endswith(" | None")
            base = ann.removesuffix(" | None")
            check = _CHECKS[base]
            spec.append((f.name, keys.get(f.name, f.name), f.name not in cls.OPTIONAL,
                         (lambda v, c=check: v is None or c(v)) if optional else check,
                         _EXPECTED[base] + (" or nil" if optional else "")))
        _SPECS[key] = spec
    return _SPECS[key]


def _read(cls, d: dict[str, Any], version: int) -> Any:
    """An instance of the record class `cls` from the map `d` written by format `version`; a RecordError names
    a missing or malformed field."""
    args = {}
    for name, key, required, check, expected in _spec(cls, version):
        if key not in d:
            if required:
                raise RecordError(f"{cls.TYPE} record lacks {key!r}")
            continue
        v = d[key]
        if not check(v):
            raise RecordError(f"{cls.TYPE} record field {key!r} is {v!r:.40}, expected {expected}")
        args[name] = v
    try:
        return cls(**args)
    except (TypeError, ValueError, KeyError) as e:
        raise RecordError(f"{cls.TYPE} record: {e}") from None


class _Record:
    """What every record class has: its type tag, its format-1 key names and its optional fields."""

    TYPE: ClassVar[str] = ""
    V1: ClassVar[dict[str, str]] = {}  # field -> its key in format 1, where the name differs
    OPTIONAL: ClassVar[frozenset[str]] = frozenset()  # fields a stream may leave out (their defaults apply)

    @classmethod
    def from_record(cls, d: dict[str, Any], version: int):
        """The record of map `d` read from a stream written by format `version`."""
        return _read(cls, d, version)


@dataclass
class SessionHeader(_Record):
    """The first record: what was trained, on which display, by which trainee, with which clock."""

    TYPE: ClassVar[str] = "session"
    OPTIONAL: ClassVar[frozenset[str]] = frozenset({"started", "target", "backend", "trainee", "trainee_spec",
                                                     "clock", "fps", "plays", "epoch", "flush_s"})

    format: str = FORMAT
    version: int = VERSION
    started: str = ""  # ISO 8601, UTC
    target: str = ""  # what `qbvr train` was asked to train
    backend: str = ""
    trainee: str = ""
    trainee_spec: str | None = None
    clock: str = ""
    fps: float | None = None
    plays: list[str] = field(default_factory=list)
    epoch: float = 0.0  # Unix time when the stream was opened
    flush_s: float = 0.0  # the writer's flush interval

    def to_record(self) -> dict[str, Any]:
        return {"record": self.TYPE, "format": self.format, "version": VERSION, "started": self.started,
                "target": self.target, "backend": self.backend, "trainee": self.trainee,
                "trainee_spec": self.trainee_spec, "clock": self.clock, "fps": self.fps, "plays": list(self.plays),
                "epoch": self.epoch, "flush_s": self.flush_s}


@dataclass
class ReceiverEntry:
    """An eligible receiver of a rep and the key that throws to him."""

    key: int
    nfl_id: int
    jersey: int
    position: str
    name: str

    def to_record(self) -> dict[str, Any]:
        return {"key": self.key, "nfl_id": self.nfl_id, "jersey": self.jersey, "position": self.position,
                "name": self.name}


@dataclass
class RepStart(_Record):
    """A rep starts: the play, its clock (seconds from the snap) and who is who."""

    TYPE: ClassVar[str] = "rep"
    V1: ClassVar[dict[str, str]] = {"play_ref": "play", "play_key": "key", "wall_t": "w", "qb_nfl_id": "qb"}
    OPTIONAL: ClassVar[frozenset[str]] = frozenset({"title", "note", "pressure_t", "pressure_how", "qb_nfl_id",
                                                     "trainee_spec", "players", "seed", "model_from_t"})

    rep: int
    play_ref: str  # what loads the play again: `synthetic:NAME` or `GAMEID:PLAYID`
    play_key: str
    wall_t: float
    start_t: float
    stop_t: float  # the pressure, else the end of the recording
    end_t: float  # the end of the recording
    receivers: list[ReceiverEntry]
    title: str = ""
    note: str = ""
    pressure_t: float | None = None
    pressure_how: str | None = None
    qb_nfl_id: int | None = None
    trainee_spec: str | None = None
    players: dict[int, str] = field(default_factory=dict)  # nfl_id -> "WR #17 Name"
    seed: int | None = None  # the rep's seed (continuation model and outcome draws)
    model_from_t: float | None = None  # when the continuation model takes over if the trainee holds the ball

    def __post_init__(self):
        self.receivers = [r if isinstance(r, ReceiverEntry) else ReceiverEntry(**r) for r in self.receivers]
        self.players = {int(k): str(v) for k, v in self.players.items()}

    def to_record(self) -> dict[str, Any]:
        return {"record": self.TYPE, "rep": self.rep, "play_ref": self.play_ref, "play_key": self.play_key,
                "title": self.title, "note": self.note, "wall_t": _r(self.wall_t), "start_t": _r(self.start_t),
                "stop_t": _r(self.stop_t), "end_t": _r(self.end_t), "pressure_t": self.pressure_t,
                "pressure_how": self.pressure_how, "qb_nfl_id": self.qb_nfl_id, "trainee_spec": self.trainee_spec,
                "receivers": [r.to_record() for r in self.receivers], "players": dict(self.players),
                "seed": self.seed, "model_from_t": _r(self.model_from_t, 5)}


@dataclass
class FrameSample(_Record):
    """One rendered frame: where the eyes were and pointed, and what the gaze hit (hit-tested live)."""

    TYPE: ClassVar[str] = "frame"
    V1: ClassVar[dict[str, str]] = {"index": "i", "play_t": "t", "wall_t": "w", "gaze": "dir", "head_yaw": "yaw",
                                    "head_pitch": "pitch", "source": "src", "hit_nfl_id": "hit",
                                    "category": "cat", "gaze_point": "pt"}
    OPTIONAL: ClassVar[frozenset[str]] = frozenset({"index", "wall_t", "head", "head_yaw", "head_pitch", "source",
                                                     "hit_nfl_id", "zone", "category", "gaze_point"})

    rep: int
    play_t: float
    eye: Vec3  # world metres
    gaze: Vec3  # unit: where the eyes point (the eye tracker), else the head's forward
    index: int = 0
    wall_t: float = 0.0
    head: Vec3 | None = None  # unit: the head's forward, when an eye tracker separates it from `gaze`
    head_yaw: float = 0.0  # degrees, 0 = downfield, + toward the QB's left
    head_pitch: float = 0.0  # degrees above the horizon
    source: str = ""  # "head", "eye", "script", "mouse"
    hit_nfl_id: int = 0  # the player the gaze hit, 0 = none
    zone: str = ""  # the field zone under the gaze point
    category: str = "other"  # "downfield", "rush", "other"
    gaze_point: Vec3 | None = None  # where the gaze landed, world metres (None: the sky)

    def __post_init__(self):
        self.hit_nfl_id = int(self.hit_nfl_id or 0)

    @property
    def head_direction(self) -> list[float]:
        return self.gaze if self.head is None else self.head

    def to_record(self) -> dict[str, Any]:
        return {"record": "frame", "rep": self.rep, "index": self.index, "play_t": _r(self.play_t, 5),
                "wall_t": _r(self.wall_t), "eye": _vec(self.eye, 4), "gaze": _vec(self.gaze, 6),
                "head": _vec(self.head, 6), "head_yaw": _r(self.head_yaw, 3), "head_pitch": _r(self.head_pitch, 3),
                "source": self.source, "hit_nfl_id": self.hit_nfl_id, "zone": self.zone, "category": self.category,
                "gaze_point": _vec(self.gaze_point, 3)}


@dataclass
class _RepMoment(_Record):
    """Something named that happened in rep `rep` at play time `play_t`."""

    V1: ClassVar[dict[str, str]] = {"play_t": "t", "wall_t": "w"}
    OPTIONAL: ClassVar[frozenset[str]] = frozenset({"wall_t"})

    rep: int
    name: str
    play_t: float | None
    wall_t: float = 0.0

    def to_record(self) -> dict[str, Any]:
        return {"record": self.TYPE, "rep": self.rep, "name": self.name, "play_t": _r(self.play_t, 5),
                "wall_t": _r(self.wall_t)}


@dataclass
class ButtonPress(_RepMoment):
    """A key or button event of the trainee's input device (desktop: key names and `mouse1`)."""

    TYPE: ClassVar[str] = "button"


@dataclass
class Throw(_Record):
    """The trainee threw to `nfl_id`; `how`: "script", "click", "key", "trigger", "motion" (with the arm: then
    `velocity` is the hand's release velocity, world m/s, and `aimed` how the receiver was picked - "release"
    direction, "controller" aim ray or "gaze"). Sessions recorded before these two fields read with None and ""."""

    TYPE: ClassVar[str] = "throw"
    V1: ClassVar[dict[str, str]] = {"play_t": "t", "wall_t": "w"}
    OPTIONAL: ClassVar[frozenset[str]] = frozenset({"how", "wall_t", "velocity", "aimed"})

    rep: int
    nfl_id: int
    play_t: float
    how: str = ""
    wall_t: float = 0.0
    velocity: Vec3 | None = None
    aimed: str = ""

    def to_record(self) -> dict[str, Any]:
        return {"record": self.TYPE, "rep": self.rep, "nfl_id": int(self.nfl_id), "how": self.how,
                "play_t": _r(self.play_t, 5), "wall_t": _r(self.wall_t), "velocity": _vec(self.velocity, 3),
                "aimed": self.aimed}


REP_ENDS = ("throw", "sack", "no_throw", "quit")


@dataclass
class RepEvent(_RepMoment):
    """A rep event: "snap", or how the rep ended (`REP_ENDS`); `play_t` None when it ended before any frame."""

    TYPE: ClassVar[str] = "event"

    @property
    def ends_rep(self) -> bool:
        return self.name in REP_ENDS


@dataclass
class RepOutcome(_Record):
    """What the rep's play came to (`engine.training.consequences`): `result` is complete, incomplete,
    intercepted, broken_up (after a throw), sack or no_throw; `model_from_t` when the continuation model took
    over (None: never); `seed` the rep's seed; for a throw the CP at release, the catch point (yd), the arrival,
    the separation at arrival and the drawn probabilities."""

    TYPE: ClassVar[str] = "outcome"
    OPTIONAL: ClassVar[frozenset[str]] = frozenset({"nfl_id", "cp", "catch", "t_arrive", "separation",
                                                    "p_complete", "p_intercept", "model_from_t", "wall_t"})

    rep: int
    result: str
    play_t: float | None
    seed: int
    model_from_t: float | None = None
    nfl_id: int | None = None
    cp: float | None = None
    catch: Vec2 | None = None
    t_arrive: float | None = None
    separation: float | None = None
    p_complete: float | None = None
    p_intercept: float | None = None
    wall_t: float = 0.0

    def to_record(self) -> dict[str, Any]:
        return {"record": self.TYPE, "rep": self.rep, "result": self.result, "play_t": _r(self.play_t, 5),
                "seed": int(self.seed), "model_from_t": _r(self.model_from_t, 5), "nfl_id": self.nfl_id,
                "cp": _r(self.cp), "catch": _vec(self.catch, 3), "t_arrive": _r(self.t_arrive, 5),
                "separation": _r(self.separation, 3), "p_complete": _r(self.p_complete),
                "p_intercept": _r(self.p_intercept), "wall_t": _r(self.wall_t)}


@dataclass
class ModelTracks(_Record):
    """The continuation model's tracks the trainee saw: every player's x and y (yd) at `times` (s from the snap),
    flattened time-major (`x[k * len(nfl_ids) + p]`)."""

    TYPE: ClassVar[str] = "model_tracks"
    OPTIONAL: ClassVar[frozenset[str]] = frozenset({"wall_t"})

    rep: int
    times: list[float]
    nfl_ids: list[float]
    x: list[float]
    y: list[float]
    wall_t: float = 0.0

    def __post_init__(self):
        n = len(self.times) * len(self.nfl_ids)
        if len(self.x) != n or len(self.y) != n:
            raise ValueError(f"x and y hold {len(self.x)} and {len(self.y)} values, expected {n} (times x players)")

    def to_record(self) -> dict[str, Any]:
        return {"record": self.TYPE, "rep": self.rep, "times": _vec(self.times, 4), "nfl_ids": [int(n) for n in
                self.nfl_ids], "x": _vec(self.x, 3), "y": _vec(self.y, 3), "wall_t": _r(self.wall_t)}


REPLAY_ENDS = ("played", "skipped", "closed")


@dataclass
class InstantReplay(_Record):
    """The result screen and the instant replay after rep `rep`: the result text shown (desktop overlay or headset
    panel), the play times replayed (`play_t0` to `play_t1`, the last one shown), the frames drawn, the camera,
    and how it ended (`REPLAY_ENDS`: played to the end, skipped by the trainee, or the display closed)."""

    TYPE: ClassVar[str] = "instant_replay"
    OPTIONAL: ClassVar[frozenset[str]] = frozenset({"wall_t"})

    rep: int
    result: str
    play_t0: float
    play_t1: float
    frames: int
    camera: str
    ended: str
    wall_t: float = 0.0

    def to_record(self) -> dict[str, Any]:
        return {"record": self.TYPE, "rep": self.rep, "result": self.result, "play_t0": _r(self.play_t0, 5),
                "play_t1": _r(self.play_t1, 5), "frames": int(self.frames), "camera": self.camera,
                "ended": self.ended, "wall_t": _r(self.wall_t)}


@dataclass
class SessionEnd(_Record):
    """The last record of a session that closed cleanly."""

    TYPE: ClassVar[str] = "end"
    V1: ClassVar[dict[str, str]] = {"wall_t": "w"}
    OPTIONAL: ClassVar[frozenset[str]] = frozenset({"wall_t"})

    wall_t: float = 0.0

    def to_record(self) -> dict[str, Any]:
        return {"record": self.TYPE, "wall_t": _r(self.wall_t)}


Record = Union[SessionHeader, RepStart, FrameSample, ButtonPress, Throw, RepEvent, RepOutcome, ModelTracks,
               InstantReplay, SessionEnd]
RECORD_TYPES: dict[str, type] = {c.TYPE: c for c in (SessionHeader, RepStart, FrameSample, ButtonPress, Throw,
                                                      RepEvent, RepOutcome, ModelTracks, InstantReplay,
                                                      SessionEnd)}
_V1_KINDS: dict[str, type] = {"session": SessionHeader, "rep": RepStart, "f": FrameSample, "ev": RepEvent,
                              "end": SessionEnd}


def record_type(d: dict[str, Any], version: int) -> type:
    """The record class of a stream map written by format `version`; a RecordError when there is none."""
    kind = d.get("k" if version == 1 else "record")
    if not isinstance(kind, str):  # a list or map here is damage, and would not even hash as a lookup key
        raise RecordError(f"record type {kind!r:.40} is not text")
    if version == 1:
        if kind == "in":
            kind = d.get("kind")
            cls = {"throw": Throw, "button": ButtonPress}.get(kind) if isinstance(kind, str) else None
        else:
            cls = _V1_KINDS.get(kind)
    else:
        cls = RECORD_TYPES.get(kind)
    if cls is None:
        raise RecordError(f"unknown record type {kind!r}")
    return cls


def from_record(d: Any, version: int) -> Record:
    """The typed record of a map read from a stream written by format `version` (1 or 2)."""
    if not isinstance(d, dict):
        raise RecordError(f"a record is a map, not {type(d).__name__}")
    return record_type(d, version).from_record(d, version)


def header_version(d: Any) -> int | None:
    """The format version of a stream's first map when it is a qbvr session header, else None."""
    if not isinstance(d, dict) or d.get("format") != FORMAT or d.get("k", d.get("record")) != "session":
        return None
    v = d.get("version")
    return v if isinstance(v, int) else None
