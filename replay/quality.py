"""How usable a play's positions are, and the rule that keeps a worse copy from replacing a stored one.

A player-frame is *usable* when its x and y are finite and within `OFF_FIELD_MARGIN` of the field (players on
the sidelines and in the bench area are a few yards out; tens of yards out, or infinite, is a broken source).
Unusable positions are set to NaN and flagged, exactly like a position the source lacks.

Limits checked before a play's arrays are allocated (a play over one is skipped with its reason, the rest of its
file imports): its frames from first to last at most `MAX_FRAMES_PER_PLAY`, its players at most
`MAX_PLAYERS_PER_PLAY`. One row with frame number 2e9 would otherwise ask for 2e9 x players floats.

The replace rule: a play is stored when it has at least one usable player-frame and, if the store already holds
that play, when its usable share is at least `MIN_SHARE_OF_STORED` of the stored copy's. Otherwise it is refused,
the stored file is left untouched, and the reason is reported; `qbvr import --force` lifts the second condition
(a play with no usable position is never stored: there is nothing to show).
"""

from __future__ import annotations

import numpy as np

from .field_frame import FIELD
from .play import TRACK_FIELDS, Play

MAX_FRAMES_PER_PLAY = 20_000  # 33 min at 10 Hz; a real play is under 400 frames, a whole NGS highlight < 2,000
MAX_PLAYERS_PER_PLAY = 60  # 22 on the field; a few substitutes tracked in passing, never dozens more
OFF_FIELD_MARGIN = 20.0  # yd beyond the end lines and sidelines still taken as a real position
MIN_SHARE_OF_STORED = 0.5  # a new copy must keep at least half the stored copy's usable share to replace it
ABSURD_FLAG = "absurd_positions"


def drop_absurd(play: Play) -> int:
    """Set infinite or far-off-field positions (and infinite speeds, angles) to NaN in place; flag the play.
    Returns the number of player-frames whose position was dropped."""
    bad = ~_usable(play.x, play.y) & ~(np.isnan(play.x) | np.isnan(play.y))  # NaN already means "no value"
    n = int(bad.sum())
    if n:
        play.x[bad] = np.nan
        play.y[bad] = np.nan
        play.flags[ABSURD_FLAG] = (f"{n} player-frames had infinite or off-field positions (more than "
                                   f"{OFF_FIELD_MARGIN:g} yd outside the field); dropped like missing values")
    for name in TRACK_FIELDS[2:]:
        arr = getattr(play, name)
        arr[np.isinf(arr)] = np.nan
    ball_bad = ~_usable(play.ball_x, play.ball_y)
    play.ball_x[ball_bad] = np.nan
    play.ball_y[ball_bad] = np.nan
    return n


def usable_share(play: Play) -> float:
    """Share (0-1) of the play's player-frames with a finite, on-field position; 0 for an empty play."""
    if play.x.size == 0:
        return 0.0
    return float(_usable(play.x, play.y).mean())


def _usable(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Finite and within the margin of the field (NaN and inf compare False, so they are not usable)."""
    with np.errstate(invalid="ignore"):
        return ((np.abs(x - FIELD.midfield_x) <= FIELD.midfield_x + OFF_FIELD_MARGIN)
                & (np.abs(y - FIELD.centre_y) <= FIELD.centre_y + OFF_FIELD_MARGIN))


def refusal(new_share: float, stored_share: float | None, *, force: bool = False) -> str | None:
    """Why a copy with `new_share` usable player-frames must not be stored (None: store it). `stored_share` is
    the stored copy's share, None when the store has no readable copy."""
    if new_share <= 0.0:
        return ("no usable positions (every player position is empty, NaN, infinite or off the field)"
                + ("; the stored copy is kept" if stored_share is not None else ""))
    if force or stored_share is None or new_share >= MIN_SHARE_OF_STORED * stored_share:
        return None
    return (f"only {new_share:.0%} of its player-frames have usable positions against {stored_share:.0%} in the "
            "stored copy; the stored copy is kept (use `qbvr import --force` to replace it)")
