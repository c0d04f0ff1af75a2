"""The canonical, normalised play every reader produces and everything downstream consumes.

Conventions (after normalisation, whatever the source):
- positions are in the field frame (`replay.field_frame`): x runs 0-120 yd along the field with end zones
  included, the offense always moving toward +x; y runs 0-53.33 yd across it.
- `o` and `dir` are degrees in the NFL convention: 0 = +y, increasing clockwise, so 90 = +x (downfield).
  A unit vector is (sin, cos).
- time 0 is the snap; `t` is seconds from it.
- arrays are float32 `[frames, players]`, NaN where the source lacks a value.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, Iterator, Mapping

import numpy as np

from .field_frame import FIELD

FIELD_LENGTH = FIELD.length  # kept importable; new code uses FIELD
FIELD_WIDTH = FIELD.width
FPS = 10.0

ROLES = ("passer", "pass_rusher", "blocker", "route_runner", "coverage")
SIDES = ("off", "def")
PLAY_TYPES = ("pass", "run", "sack", "kickoff", "punt", "field_goal", "extra_point", "two_point", "other")

OFFENSE_POSITIONS = {"QB", "RB", "HB", "FB", "WR", "TE", "T", "OT", "G", "OG", "C", "OL", "LT", "LG", "RT", "RG"}
DEFENSE_POSITIONS = {"DE", "DT", "NT", "DL", "OLB", "ILB", "MLB", "LB", "CB", "DB", "FS", "SS", "S", "SAF"}
OFFENSIVE_LINE = {"T", "OT", "G", "OG", "C", "OL", "LT", "LG", "RT", "RG"}
DEFENSIVE_LINE = {"DE", "DT", "NT", "DL"}
ELIGIBLE_POSITIONS = {"WR", "TE", "RB", "HB", "FB"}


@dataclass(frozen=True)
class PlayMeta:
    """Play-level facts. x positions (`los_x`, `first_down_x`) are in the normalised frame.

    Built once and never mutated (frozen, `extra` read-only): a changed fact is a new PlayMeta made with
    `dataclasses.replace`, so a play shared between the store, the scene and the CP features cannot drift."""

    game_id: int
    play_id: int
    source_format: str
    season: int | None = None
    week: int | None = None
    season_type: str | None = None  # REG / POST / PRE
    home_team: str | None = None
    away_team: str | None = None
    offense_team: str | None = None
    defense_team: str | None = None
    quarter: int | None = None
    game_clock: str | None = None  # "MM:SS"
    down: int | None = None
    distance: int | None = None  # yards to go
    los_x: float | None = None
    first_down_x: float | None = None
    play_type: str = "other"
    description: str = ""
    pass_result: str | None = None  # C, I, IN, S, R
    target_nfl_id: int | None = None
    play_direction: str | None = None  # original direction of the offense: "left" or "right"
    direction_inferred: bool = False
    home_score: int | None = None  # points of the home team before the snap, where the release has them
    away_score: int | None = None  # points of the away (visiting) team before the snap
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))

    __hash__ = None  # type: ignore[assignment]  # `extra` is a mapping: equal metas compare, none hash

    def __reduce__(self):  # copy/deepcopy through the plain dict (a mappingproxy does not copy)
        return (self.__class__.from_dict, (self.to_dict(),))

    @property
    def key(self) -> str:
        return f"{self.game_id}:{self.play_id}"

    @property
    def score_diff(self) -> int | None:
        """Offense points minus defense points before the snap; None when the release has no score or the
        offense is neither the home nor the away team."""
        home, away = self.home_score, self.away_score
        if not (isinstance(home, int) and isinstance(away, int)) or not self.offense_team:
            return None
        if self.offense_team == self.home_team:
            return home - away
        if self.offense_team == self.away_team:
            return away - home
        return None

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["extra"] = dict(self.extra)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "PlayMeta":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


ROSTER_FIELDS: dict[str, type] = {
    "nfl_id": np.int64,
    "name": object,
    "jersey": np.int16,  # -1 when unknown
    "position": object,
    "side": object,  # "off" / "def"
    "team": object,
    "height_m": np.float32,
    "weight_kg": np.float32,
    "role": object,  # one of ROLES or "" when unknown
}


@dataclass
class Roster:
    """One entry per player column of the play's arrays; numpy arrays so selections vectorise."""

    nfl_id: np.ndarray
    name: np.ndarray
    jersey: np.ndarray
    position: np.ndarray
    side: np.ndarray
    team: np.ndarray
    height_m: np.ndarray
    weight_kg: np.ndarray
    role: np.ndarray
    role_source: np.ndarray  # "source" / "inferred" / ""
    extra: dict[str, np.ndarray] = field(default_factory=dict)  # per-player source labels (route, pressure...)

    def __len__(self) -> int:
        return len(self.nfl_id)

    def index_of(self, nfl_id: int) -> int:
        hits = np.flatnonzero(self.nfl_id == int(nfl_id))
        if len(hits) == 0:
            raise KeyError(f"nfl_id {nfl_id} is not in this play's roster")
        return int(hits[0])

    def players(self) -> Iterator[dict[str, Any]]:
        for i in range(len(self)):
            row = {k: _py(getattr(self, k)[i]) for k in (*ROSTER_FIELDS, "role_source")}
            row.update({k: _py(v[i]) for k, v in self.extra.items()})
            yield row

    @classmethod
    def empty(cls, n: int) -> "Roster":
        return cls(
            nfl_id=np.zeros(n, np.int64),
            name=np.full(n, "", object),
            jersey=np.full(n, -1, np.int16),
            position=np.full(n, "", object),
            side=np.full(n, "", object),
            team=np.full(n, "", object),
            height_m=np.full(n, np.nan, np.float32),
            weight_kg=np.full(n, np.nan, np.float32),
            role=np.full(n, "", object),
            role_source=np.full(n, "", object),
        )


def _py(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and np.isnan(v):
        return None
    return v


TRACK_FIELDS = ("x", "y", "s", "a", "o", "dir")


@dataclass
class Play:
    """A whole play, normalised: metadata, roster, per-frame tracks, the ball, events and quality flags."""

    meta: PlayMeta
    roster: Roster
    frame_id: np.ndarray  # int32 [F], source frame numbers (1-based)
    t: np.ndarray  # float64 [F], seconds from the snap
    x: np.ndarray  # float32 [F, P] yards
    y: np.ndarray
    s: np.ndarray  # yd/s
    a: np.ndarray  # yd/s^2 (derived when the source lacks it)
    o: np.ndarray  # degrees, NFL convention
    dir: np.ndarray
    ball_t: np.ndarray  # float64 [B] seconds from the snap, the ball's own sample times
    ball_x: np.ndarray  # float32 [B]
    ball_y: np.ndarray
    events: list[tuple[int, str]]  # (frame index, event name), sorted, deduplicated
    flags: dict[str, str] = field(default_factory=dict)  # quality flag -> human-readable detail

    @property
    def key(self) -> str:
        return self.meta.key

    @property
    def n_frames(self) -> int:
        return len(self.t)

    @property
    def n_players(self) -> int:
        return len(self.roster)

    def event_frame(self, name: str) -> int | None:
        """Index of the first frame carrying `name`, or None."""
        for i, e in self.events:
            if e == name:
                return i
        return None

    def event_time(self, name: str) -> float | None:
        i = self.event_frame(name)
        return None if i is None else float(self.t[i])

    def first_event(self, *names: str) -> tuple[str, int] | None:
        """The earliest of several events, e.g. the end of a dropback: pass_forward, qb_sack, run."""
        best = None
        for i, e in self.events:
            if e in names and (best is None or i < best[1]):
                best = (e, i)
        return best

    def event_times(self) -> list[tuple[float, str]]:
        return [(float(self.t[i]), e) for i, e in self.events]

    def frame_at(self, t: float) -> int:
        """Index of the frame nearest to time `t`."""
        return int(np.clip(np.searchsorted(self.t, t - 0.5 / FPS), 0, self.n_frames - 1))

    def players_where(self, *, side: str | None = None, role: str | None = None,
                      positions: set[str] | None = None) -> np.ndarray:
        """Column indices of the players matching every given criterion."""
        m = np.ones(self.n_players, bool)
        if side is not None:
            m &= self.roster.side == side
        if role is not None:
            m &= self.roster.role == role
        if positions is not None:
            m &= np.isin(self.roster.position.astype(str), list(positions))
        return np.flatnonzero(m)

    def validate(self) -> None:
        """Raise ValueError when arrays disagree in shape or dtype: a Play must be internally consistent."""
        F, P = self.n_frames, self.n_players
        if self.frame_id.shape != (F,):
            raise ValueError(f"frame_id has shape {self.frame_id.shape}, expected ({F},)")
        for name in TRACK_FIELDS:
            arr = getattr(self, name)
            if arr.shape != (F, P) or arr.dtype != np.float32:
                raise ValueError(f"{name} is {arr.dtype}{arr.shape}, expected float32({F}, {P})")
        if not (self.ball_t.shape == self.ball_x.shape == self.ball_y.shape):
            raise ValueError("ball_t, ball_x and ball_y differ in length")
        if F > 1 and np.any(np.diff(self.t) <= 0):
            raise ValueError("frame times are not strictly increasing")
        for i, e in self.events:
            if not 0 <= i < F:
                raise ValueError(f"event {e!r} at frame index {i} is outside the play's {F} frames")
