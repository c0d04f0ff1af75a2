"""Variations of a play for drills: mirrored left-right, played slower or faster, cut short.

- `mirror_play`: the field seen in a mirror along its length: y -> width - y for every player and the ball,
  orientation and direction turned to match (an angle a in the NFL convention, 0 = +y clockwise, becomes
  180 - a), "left" and "right" swapped in the description, so a right-handed quarterback trains a concept run to
  the other side. Events keep their frames (they name moments, not sides).
- `speed_play`: the play clock scaled by `factor` (0.5 = half speed): times divided by it, speeds multiplied,
  accelerations by its square.
- `cut_play`: frames after `to_t` seconds from the snap dropped.

A variation is named by a play reference with options, `GAMEID:PLAYID@mirror,speed=0.8,to=4.5`, so a session
that recorded it re-scores the same play (`apply_variation`).
"""

from __future__ import annotations

import copy
import dataclasses
import re
from dataclasses import dataclass

import numpy as np

from .errors import QbvrError
from .field_frame import FIELD
from .play import Play

SPEED_RANGE = (0.5, 1.5)


@dataclass(frozen=True)
class Variation:
    mirror: bool = False
    speed: float = 1.0
    to_t: float | None = None

    @property
    def plain(self) -> bool:
        return not self.mirror and self.speed == 1.0 and self.to_t is None

    def suffix(self) -> str:
        """'@mirror,speed=0.8,to=4.5' ('' when plain)."""
        opts = (["mirror"] if self.mirror else []) + ([f"speed={self.speed:g}"] if self.speed != 1.0 else []) \
            + ([f"to={self.to_t:g}"] if self.to_t is not None else [])
        return "@" + ",".join(opts) if opts else ""


def check_speed(speed: float, what: str = "speed") -> float:
    lo, hi = SPEED_RANGE
    if not isinstance(speed, (int, float)) or isinstance(speed, bool) or not lo <= float(speed) <= hi:
        raise QbvrError(f"{what} {speed!r}: expected a play-clock factor from {lo} to {hi} (1 = real speed)")
    return float(speed)


def split_ref(ref: str) -> tuple[str, Variation]:
    """'2018092311:141@mirror,speed=0.8' -> ('2018092311:141', Variation(mirror=True, speed=0.8))."""
    base, _, opts = ref.partition("@")
    mirror, speed, to_t = False, 1.0, None
    for opt in filter(None, (o.strip() for o in opts.split(","))):
        name, _, value = opt.partition("=")
        try:
            if name == "mirror" and not value:
                mirror = True
            elif name == "speed":
                speed = check_speed(float(value))
            elif name == "to":
                to_t = float(value)
            else:
                raise ValueError
        except ValueError:
            raise QbvrError(f"play reference {ref!r}: option {opt!r} is not mirror, speed=F or to=S") from None
    return base, Variation(mirror, speed, to_t)


def mirror_angle(a: np.ndarray) -> np.ndarray:
    return ((180.0 - a) % 360.0).astype(a.dtype)


_SIDES = re.compile(r"\b(left|right)\b")


def mirror_play(play: Play) -> Play:
    """The play mirrored left-right (the module docstring says how); the original is not changed."""
    p = copy.deepcopy(play)
    p.y = (FIELD.width - p.y).astype(np.float32)
    p.ball_y = (FIELD.width - p.ball_y).astype(np.float32)
    p.o, p.dir = mirror_angle(p.o), mirror_angle(p.dir)
    p.meta = dataclasses.replace(p.meta, description=_SIDES.sub(
        lambda m: "right" if m.group(1) == "left" else "left", p.meta.description))
    p.flags["mirrored"] = "mirrored left-right for a drill"
    return p


def speed_play(play: Play, factor: float) -> Play:
    """The play with its clock scaled by `factor` (0.5 plays at half speed)."""
    f = check_speed(factor)
    p = copy.deepcopy(play)
    p.t = p.t / f
    p.ball_t = p.ball_t / f
    p.s = (p.s * f).astype(np.float32)
    p.a = (p.a * f * f).astype(np.float32)
    p.flags["speed"] = f"play clock x{f:g} for a drill"
    return p


def cut_play(play: Play, to_t: float) -> Play:
    """The play without its frames after `to_t` s from the snap (the ball track cut the same)."""
    if to_t <= 0:
        raise QbvrError(f"to {to_t:g} s: a rep must end after the snap")
    keep = play.t <= to_t + 1e-9
    p = copy.deepcopy(play)
    for name in ("frame_id", "t", "x", "y", "s", "a", "o", "dir"):
        setattr(p, name, getattr(p, name)[keep])
    b = p.ball_t <= to_t + 1e-9
    p.ball_t, p.ball_x, p.ball_y = p.ball_t[b], p.ball_x[b], p.ball_y[b]
    p.events = [(i, e) for i, e in p.events if i < len(p.t)]
    p.flags["cut"] = f"ends {to_t:g} s after the snap for a drill"
    return p


def window_play(play: Play, from_t: float) -> Play:
    """The play from `from_t` s on (the frames before it and their events dropped, the ball track cut the same):
    a short window to synthesise skeletons for, where the frames before it are already synthesised."""
    keep = play.t >= from_t - 1e-9
    if not keep.any():
        return play
    k0 = int(np.flatnonzero(keep)[0])
    p = copy.copy(play)
    for name in ("frame_id", "t", "x", "y", "s", "a", "o", "dir"):
        setattr(p, name, getattr(play, name)[keep])
    b = play.ball_t >= from_t - 1e-9
    p.ball_t, p.ball_x, p.ball_y = play.ball_t[b], play.ball_x[b], play.ball_y[b]
    p.events = [(i - k0, e) for i, e in play.events if i >= k0]
    p.flags = dict(play.flags, window=f"from {from_t:g} s")
    return p


def apply_variation(play: Play, v: Variation) -> Play:
    """The play cut, mirrored and re-timed as `v` says (cut first: `to` is in real seconds)."""
    if v.to_t is not None:
        play = cut_play(play, v.to_t)
    if v.mirror:
        play = mirror_play(play)
    if v.speed != 1.0:
        play = speed_play(play, v.speed)
    return play
