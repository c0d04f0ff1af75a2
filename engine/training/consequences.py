"""The consequences of a rep: the play goes on when the trainee departs from the real QB.

The recording drives all 22 players until the real QB's release; from then on the continuation model
(`replay.continuation`) moves the other 21 and the QB holds the ball where he stands - the rush keeps coming
(a rusher within arm's reach is a sack), the receivers keep running. When the trainee throws, the model takes
over from his release instead: the target runs to the catch point (the receiver's projected position when a
ball of real speed gets there), the defenders break on the ball, and at the arrival the outcome is drawn
(`engine.outcome`) from the rep's seed. Everything here is deterministic in (play, seed), so a session's
summary can rebuild exactly the play the trainee saw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.outcome import Outcome, decide
from replay.ball_flight import air_time
from replay.continuation import Continuation
from replay.continuation.splice import continued_play
from replay.play import Play
from replay.roles import release_time
from replay.timebase import sample_tracks

MAX_HOLD_S = 3.0  # s the model plays on past the real release when the trainee holds the ball
AFTER_ARRIVAL_S = 0.6  # s shown after the ball arrives
CATCH_ITERATIONS = 3


@dataclass(frozen=True)
class ThrowResult:
    """The trainee's ball: released at `t` to `nfl_id`, arriving at `catch_xy` (yd) at `t_arrive`."""

    t: float
    nfl_id: int
    catch_xy: tuple[float, float]
    t_arrive: float
    cp: float
    outcome: Outcome


def departure_play(play: Play, seed: int) -> tuple[Play, float | None]:
    """The play the trainee sees while he holds the ball, and when the model takes over (None: never - a play
    without a real release is the recording all the way). The whole recording is kept before the hand-off:
    skeleton synthesis on a cropped play would differ from the recording's (measured up to 1.6 m at a joint)."""
    t_rel = release_time(play)
    if t_rel is None:
        return play, None
    cont = Continuation(play, t_rel, seed=seed)
    cont.advance_to(t_rel + MAX_HOLD_S)
    return continued_play(play, cont), t_rel


def catch_point(play: Play, t: float, col: int, qb: int, origin=None) -> tuple[np.ndarray, float]:
    """Where and when a ball thrown at `t` by column `qb` (from `origin`, yd, when given: a headset trainee's
    spot) meets column `col` on his projected path (the play's tracks), with the air time of real throws (a
    fixed point, solved by iteration)."""
    tr = sample_tracks(play, np.array([t]))
    q = np.array([tr.x[0, qb], tr.y[0, qb]]) if origin is None else np.asarray(origin, np.float64)[:2]
    c = np.array([tr.x[0, col], tr.y[0, col]])
    t_arr = t
    for _ in range(CATCH_ITERATIONS):
        t_arr = t + float(air_time(np.linalg.norm(c - q)))
        s = sample_tracks(play, np.array([min(t_arr, float(play.t[-1]))]))
        c = np.array([s.x[0, col], s.y[0, col]])
    if t_arr > play.t[-1]:  # past the shown tracks: extend the target's last velocity
        s = sample_tracks(play, np.array([float(play.t[-1])]))
        c = c + np.array([s.vx[0, col], s.vy[0, col]]) * (t_arr - float(play.t[-1]))
    return c, t_arr


def thrown_play(shown: Play, t: float, nfl_id: int, seed: int, cp: float, *,
                qb_xy=None) -> tuple[Play, ThrowResult]:
    """The play after the trainee's throw at `t` to `nfl_id` (from the play he was shown), and its outcome.
    `qb_xy` (yd): where the trainee threw from when it is not the QB's track (a headset trainee stands where
    he stands): the ball leaves from there and the QB stays there."""
    cont = Continuation(shown, t, seed=seed + 1)
    if qb_xy is not None:
        cont.set_qb(qb_xy, now=True)
    col = shown.roster.index_of(int(nfl_id))
    catch, t_arr = catch_point(shown, t, col, cont.qb, None if qb_xy is None else cont.qb_pos)
    t_arr = t + max(round((t_arr - t) / cont.p.dt), 1) * cont.p.dt  # on the model's grid
    cont.throw(col, catch, t_arr)
    cont.advance_to(t_arr + AFTER_ARRIVAL_S)
    pos = cont.sample(t_arr)[0]
    d = shown.players_where(side="def")
    sep = float(np.min(np.linalg.norm(pos[d] - catch[None], axis=1))) if len(d) else float("inf")
    out = decide(cp, sep, seed)
    res = ThrowResult(float(t), int(nfl_id), (float(catch[0]), float(catch[1])), float(t_arr), float(cp), out)
    return continued_play(shown, cont), res


RESULT_WORDS = {"complete": "COMPLETE", "incomplete": "INCOMPLETE", "intercepted": "INTERCEPTED",
                "broken_up": "BROKEN UP"}


def outcome_text(res: ThrowResult, receiver: str) -> str:
    """The result screen's first line after a throw."""
    return result_line(res.outcome.result, receiver)


def result_line(result: str, receiver: str) -> str:
    """'COMPLETE to 2 TE #86 Name' for a throw's recorded result (the result screen's and the review's words)."""
    return f"{RESULT_WORDS.get(result, result.upper())} to {receiver}"
