"""Who does what on a play, decided once for everything downstream: the passer, the real release, whether the
play is a trick play, the eligible receivers, the pass rushers and the end of the dropback.

The passer is the player whose place the trainee takes and whose eyes the `qb` camera uses, the thrower of the
ball flight and the release point of the CP features. It is the real thrower:
1. the player the play-by-play description names ("O.Beckham pass deep right to ..."), when exactly one
   offensive player matches;
2. else the offensive non-lineman holding the ball over the half second before the release event;
3. else the player the source (or the import) labels `passer`;
4. else the offense's QB nearest the ball at the snap (several QBs can be on the field), else None.
On a trick play the thrower got the ball by a handoff or a lateral (2018100701:1468: Manning pitches, Beckham
throws): everything uses the thrower, and `trick_play` lets drills leave such plays out unless asked.

Pass rushers and pass blockers come from the tracks, as in the rusher identification of "Feeling the Pressure"
(AWS Generative AI Innovation Center with NFL Next Gen Stats; movement toward the quarterback across the line of
scrimmage early in the play, initial alignment, position):
a defender is a rusher when, RUSH_WINDOW_S after the snap, he is at or across the line (not dropped off it),
within RUSH_WIDTH_YD of the passer across the field and did not retreat (a defensive back on the line only when
he crosses it: else he is pressing a receiver), or when he was off the ball and crossed the line by
BLITZ_WINDOW_S; but not when by then he went AWAY_FROM_PASSER_YD away from the passer without meeting a blocker
(a linebacker carrying a back into the flat, a spy, an end dropping into a zone); an offensive player is a
blocker when he stays at the line and meets a rusher in that window (linemen always, backs and tight ends by
their tracks).
Where a release labels rushers (BDB 2023 `pff_role`, BDB 2025 `wasInitialPassRusher`) the labels win;
`track_pass_rushers` keeps the tracking answer for comparing the two.

`play_kind` says what the play was for training: a dropback (a pass, a sack or a scramble from a normal
formation), a trick play (thrown after a handoff or a lateral: the defense played a run), a run, or special teams
(kickoffs, punts, kicks and everything with a punter, kicker or long snapper on the offense: a fake punt that ends
in a pass is special teams, not a dropback).

`infer_passer` runs on the raw arrays; the rest on a `Play`, computed from its tracks once per Play object and
kept while the object lives (a Play is not changed after it is built). `roster_roles` turns these answers into
the roster's role labels at import, so the stored roles, the index and training all say the same. Only a
release's own labels (`role_source == "source"`) feed back into the answers, never the labels inferred here.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from .description import match_player, passer_name
from .events import DROPBACK_END_EVENTS, RELEASE_EVENTS
from .play import ELIGIBLE_POSITIONS, OFFENSIVE_LINE, Play, Roster
from .timebase import true_runs

HOLD_IN, HOLD_OUT = 1.0, 1.6  # yd: a player within HOLD_IN of the ball holds it, until it is HOLD_OUT away
HOLDING_YD = 1.5  # yd: median ball distance over the frames before the release of the player who throws
RELEASE_WINDOW = 5  # frames (0.5 s) before the release the thrower is looked for in
MIN_RUN = 3  # frames: shorter holds are the ball passing by, not a handoff or a catch
MOVED_YD = 2.0  # yd: a ball track that moved less than this off the spot by the release is stuck
AWAY_YD = 3.0  # yd: on a trick play someone else holds the ball this far from the passer (beyond a fake's mesh)
RUSH_WINDOW_S = 1.5  # s after the snap the rush is judged at (cut to the release when the ball is out sooner)
MIN_RUSH_WINDOW_S = 1.0  # s: judged no sooner, so a quick throw still shows who rushed
BLITZ_WINDOW_S = 2.5  # s after the snap an off-ball blitzer must have crossed the line by (or the release)
ON_LINE_YD = 1.5  # yd off the line at the snap a defender is aligned on it (a down lineman or an edge rusher)
RUSH_DEPTH_YD = 2.0  # yd past the line a rusher may still be (engaged with a lineman who gave no ground)
RUSH_WIDTH_YD = 8.0  # yd across the field from the passer a rusher is within (wide edge rushers included)
RETREAT_YD = 1.0  # yd a defender may have moved away from the offense and still be rushing
ALIGN_DEPTH_YD = 8.0  # yd: deeper at the snap than this is a safety, not a blitzer (even if he comes)
AWAY_FROM_PASSER_YD = 2.0  # yd farther from the passer by the blitz window: unless blocked, he left the rush
ENGAGED_YD = 1.5  # yd: a defender this near an offensive player holding the line is engaged with a blocker
ROUTE_DEPTH_YD = 3.0  # yd past the line an offensive player goes on a route (one who stays behind it protects)
BLOCK_REACH_YD = 2.0  # yd: a back or tight end this near a rusher in the window blocks him
LINE_YD = 1.0  # yd past the line a blocker stays within (a route runner goes beyond)
DEFENSIVE_BACKS = {"CB", "DB", "FS", "SS", "S", "SAF"}
SPECIAL_POSITIONS = {"P", "K", "LS", "PK"}
SPECIAL_TYPES = {"kickoff", "punt", "field_goal", "extra_point"}
SPECIAL_WORDS = ("punt formation", "field goal formation", " punts ", " kicks ", "onside", "extra point")


@dataclass(frozen=True)
class PlayRoles:
    """The role facts of one play (columns index the play's roster; times are seconds from the snap)."""

    passer: int | None
    release_t: float | None  # when the passer lets go of the ball; None on plays without a pass
    dropback_end: float  # end of the decision window: the release, else a sack/handoff/run, else the last frame
    trick: bool  # the passer got the ball by a handoff or a lateral, not from the snap
    receivers: np.ndarray  # eligible receivers, the passer excluded
    rushers: np.ndarray  # labelled by the release where it has them, else from the tracks
    track_rushers: np.ndarray  # from the tracks alone
    blockers: np.ndarray  # offensive players who pass-block (from the tracks)
    routes: np.ndarray  # offensive non-linemen who go ROUTE_DEPTH_YD past the line before the dropback ends
    kind: str  # "dropback", "trick", "run", "special_teams" or "other"


# ------------------------------------------------------------------ the passer, on raw arrays (import)

def _candidates(roster: Roster) -> np.ndarray:
    """Columns of offensive players who may throw: everyone but the linemen."""
    return np.flatnonzero((roster.side == "off") & ~np.isin(roster.position.astype(str), list(OFFENSIVE_LINE)))


def _ball_distance(x: np.ndarray, y: np.ndarray, bx: np.ndarray, by: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """[F, len(cols)] yards from each player to the ball per frame; inf where either is unknown."""
    d = np.hypot(x[:, cols] - bx[:, None], y[:, cols] - by[:, None])
    return np.where(np.isfinite(d), d, np.inf)


def _holder_before(d: np.ndarray, cols: np.ndarray, bx: np.ndarray, by: np.ndarray, snap_i: int,
                   rel_i: int) -> int | None:
    """The candidate nearest the ball on median over the frames before the release, when he holds it and the
    ball track moved off the spot (a track stuck at the spot says nothing)."""
    f0 = max(snap_i, rel_i - RELEASE_WINDOW)
    if rel_i <= f0 or len(cols) == 0:
        return None
    moved = np.hypot(bx[rel_i - 1] - bx[snap_i], by[rel_i - 1] - by[snap_i])
    if not (moved >= MOVED_YD):  # NaN: no ball
        return None
    med = np.median(d[f0:rel_i], axis=0)
    k = int(np.argmin(med))
    return int(cols[k]) if med[k] < HOLDING_YD else None


def _qb_at_snap(roster: Roster, x: np.ndarray, y: np.ndarray, bx: np.ndarray, by: np.ndarray,
                snap_i: int) -> int | None:
    """The offense's QB nearest the ball at the snap, else the first QB, else None."""
    qbs = np.flatnonzero((roster.side == "off") & (roster.position.astype(str) == "QB"))
    if len(qbs) == 0:
        return None
    d = np.hypot(x[snap_i, qbs] - bx[snap_i], y[snap_i, qbs] - by[snap_i])
    return int(qbs[int(np.argmin(np.where(np.isfinite(d), d, np.inf)))])


def _release_frame(events: list[tuple[int, str]], snap_i: int) -> int | None:
    return min((i for i, e in events if e in RELEASE_EVENTS and i >= snap_i), default=None)


def infer_passer(roster: Roster, x: np.ndarray, y: np.ndarray, bx: np.ndarray, by: np.ndarray, snap_i: int,
                 events: list[tuple[int, str]], description: str = "") -> int | None:
    """Column of the passer (the module docstring says how) from per-frame tracks `[F, P]` and the ball per frame."""
    named = passer_name(description)
    if named:
        i = match_player(named, roster.name, roster.side == "off")
        if i is not None:
            return int(i)
    rel_i = _release_frame(events, snap_i)
    if rel_i is not None:
        cols = _candidates(roster)
        held = _holder_before(_ball_distance(x, y, bx, by, cols), cols, bx, by, snap_i, rel_i)
        if held is not None:
            return held
    labelled = np.flatnonzero((roster.role == "passer") & (roster.side == "off"))
    if len(labelled):
        return int(labelled[0])
    return _qb_at_snap(roster, x, y, bx, by, snap_i)


# ------------------------------------------------------------------ release and trick play, on a Play

def _held(dp: np.ndarray) -> np.ndarray:
    """Frames the player with ball distances `dp` holds the ball: within HOLD_IN, kept until HOLD_OUT."""
    out = np.zeros(len(dp), bool)
    cur = False
    for f, v in enumerate(dp):
        cur = v <= (HOLD_OUT if cur else HOLD_IN)
        out[f] = cur
    return out


def _real_release(d: np.ndarray, cols: np.ndarray, k: int, bx: np.ndarray, by: np.ndarray, snap_i: int,
                  rel_i: int) -> int:
    """Frame the passer (cols[k]) lets go of the ball: the release event, unless someone else holds the ball
    then and the passer gets it later (a lateral marked as the pass, 2018110410:3640): the end of his hold."""
    other = _holder_before(d, cols, bx, by, snap_i, rel_i)
    if other is None or other == cols[k]:
        return rel_i
    for a, b in true_runs(_held(d[:, k])):
        if a >= rel_i and b - a >= MIN_RUN and b < len(d):
            return b
    return rel_i


def _is_trick(play: Play, d: np.ndarray, cols: np.ndarray, k: int, bx: np.ndarray, by: np.ndarray, snap_i: int,
              rel_i: int) -> bool:
    """Someone else held the ball, away from the passer, for a while between the snap and the release; when the
    ball track cannot tell (nobody holds it before the release), a passer who is not a QB while a QB is on the
    field (2018121700:610)."""
    if _holder_before(d, cols, bx, by, snap_i, rel_i) is None:
        pos = play.roster.position.astype(str)
        return pos[cols[k]] != "QB" and bool(np.any((play.roster.side == "off") & (pos == "QB")))
    seg = d[snap_i:rel_i]
    other = np.delete(seg, k, axis=1).min(axis=1, initial=np.inf)
    return any(b - a >= MIN_RUN for a, b in true_runs((other <= HOLD_IN) & (seg[:, k] > AWAY_YD)))


# ------------------------------------------------------------------ a Play's role facts, cached

_CACHE: dict[int, PlayRoles] = {}


def roles(play: Play) -> PlayRoles:
    """The play's role facts, computed once per Play object."""
    hit = _CACHE.get(id(play))
    if hit is None:
        hit = _compute(play)
        _CACHE[id(play)] = hit
        weakref.finalize(play, _CACHE.pop, id(play), None)
    return hit


def forget_roles(play: Play) -> None:
    """Drop the play's cached role facts (import asks them before a reader has set the last metadata)."""
    _CACHE.pop(id(play), None)


def _ball_per_frame(play: Play) -> tuple[np.ndarray, np.ndarray]:
    ok = np.isfinite(play.ball_x) & np.isfinite(play.ball_y)
    if ok.sum() == 0:
        return np.full(play.n_frames, np.nan), np.full(play.n_frames, np.nan)
    bt = play.ball_t[ok]
    return np.interp(play.t, bt, play.ball_x[ok]), np.interp(play.t, bt, play.ball_y[ok])


def _compute(play: Play) -> PlayRoles:
    snap_i = play.event_frame("ball_snap")
    if snap_i is None:
        snap_i = min(int(np.searchsorted(play.t, -1e-6)), play.n_frames - 1)
    bx, by = _ball_per_frame(play)
    qb = infer_passer(play.roster, play.x, play.y, bx, by, snap_i, play.events, play.meta.description)
    rel_i = _release_frame(play.events, snap_i)
    trick = False
    if rel_i is not None and qb is not None:
        cols = _candidates(play.roster)
        if qb not in cols:
            cols = np.append(cols, qb)
        k = int(np.flatnonzero(cols == qb)[0])
        d = _ball_distance(play.x, play.y, bx, by, cols)
        rel_i = _real_release(d, cols, k, bx, by, snap_i, rel_i)
        trick = _is_trick(play, d, cols, k, bx, by, snap_i, rel_i)
    release_t = None if rel_i is None else float(play.t[rel_i])
    end = _dropback_end(play, release_t)
    # the rush goes after the player who took the snap (on a trick play not the thrower)
    snapped = _qb_at_snap(play.roster, play.x, play.y, bx, by, snap_i) if trick else qb
    tracked = _track_rushers(play, snapped if snapped is not None else qb, snap_i, release_t)
    routes = _route_runners(play, qb, snap_i, end)
    return PlayRoles(qb, release_t, end, trick, _frozen(_eligible(play, qb, routes)),
                     _frozen(_rushers(play, tracked)), _frozen(tracked),
                     _frozen(_blockers(play, qb, snap_i, release_t, tracked)), _frozen(routes), _kind(play, trick))


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)  # shared by every caller of the cache
    return a


def _dropback_end(play: Play, release_t: float | None) -> float:
    if release_t is not None:
        return release_t
    ev = play.first_event(*DROPBACK_END_EVENTS)
    return float(play.t[ev[1]]) if ev is not None and play.t[ev[1]] >= 0 else float(play.t[-1])


def _route_runners(play: Play, qb: int | None, snap_i: int, end_t: float) -> np.ndarray:
    """Offensive players but the passer and the linemen who get ROUTE_DEPTH_YD past the line by `end_t` (a
    defensive lineman at fullback or tight end too: 2018120901:2858)."""
    r = play.roster
    los = _los(play, snap_i)
    o = np.flatnonzero((r.side == "off") & ~np.isin(r.position.astype(str), list(OFFENSIVE_LINE))
                       & (np.arange(len(r)) != (-1 if qb is None else qb)))
    if los is None or len(o) == 0:
        return o[:0]
    end = max(play.frame_at(end_t), snap_i) + 1
    with np.errstate(invalid="ignore"):
        return o[-_nanmin0(-play.x[snap_i:end, o]) - los > ROUTE_DEPTH_YD]


def _eligible(play: Play, qb: int | None, routes: np.ndarray) -> np.ndarray:
    """Offensive players with an eligible position, on a route (`_route_runners`) or labelled route runners by
    the release, plus the real target (a lineman reported eligible), the passer excluded."""
    r = play.roster
    labelled = (r.role == "route_runner") & (r.role_source == "source")  # never the labels roster_roles made
    m = (r.side == "off") & (labelled | np.isin(r.position.astype(str), list(ELIGIBLE_POSITIONS)))
    m[routes] = True
    if play.meta.target_nfl_id is not None:
        m |= (r.side == "off") & (r.nfl_id == int(play.meta.target_nfl_id))
    if qb is not None:
        m[qb] = False
    return np.flatnonzero(m)


def _rushers(play: Play, tracked: np.ndarray) -> np.ndarray:
    """The pass rushers: a defender the release labels is one when labelled so; every other defender when the
    tracks say so (BDB 2026 labels only the coverage players: its rushers come from the tracks)."""
    r = play.roster
    labelled = (r.side == "def") & (r.role_source == "source")
    m = labelled & (r.role == "pass_rusher")
    m[tracked] |= ~labelled[tracked]
    return np.flatnonzero(m)


def _window(play: Play, snap_i: int, release_t: float | None, limit: float = RUSH_WINDOW_S) -> int:
    """Frame the rush is judged at: `limit` s after the snap, the release when sooner (not before
    MIN_RUSH_WINDOW_S), never past the last frame."""
    t0 = float(play.t[snap_i])
    w = limit if release_t is None else min(limit, max(release_t - t0, MIN_RUSH_WINDOW_S))
    return min(play.frame_at(t0 + w), play.n_frames - 1)


def _los(play: Play, snap_i: int) -> float | None:
    if play.meta.los_x is not None:
        return float(play.meta.los_x)
    bx = play.ball_x[np.isfinite(play.ball_x)]
    return float(np.interp(play.t[snap_i], play.ball_t[np.isfinite(play.ball_x)], bx)) if len(bx) else None


def _nanmin0(a: np.ndarray) -> np.ndarray:
    """Column minimum ignoring NaN; NaN where a column has no value (no warning)."""
    m = np.min(np.where(np.isnan(a), np.inf, a), axis=0, initial=np.inf)
    return np.where(np.isinf(m), np.nan, m)


def _track_rushers(play: Play, qb: int | None, snap_i: int, release_t: float | None) -> np.ndarray:
    """Defenders rushing the passer by their tracks (the module docstring says how): a defender aligned on the
    line who, RUSH_WINDOW_S after the snap, did not retreat and is still at the line near the passer (and has not
    dropped off it by BLITZ_WINDOW_S or the release); an off-ball defender (a blitzer) who crossed the line by
    BLITZ_WINDOW_S (or the release) near the passer. Either is no rusher when he left the rush (`_left_rush`)."""
    d = play.players_where(side="def")
    los = _los(play, snap_i)
    if qb is None or los is None or len(d) == 0:
        return d[:0]
    x0 = play.x[snap_i, d] - los
    w, wb = _window(play, snap_i, release_t), _window(play, snap_i, release_t, BLITZ_WINDOW_S)
    xw, xl = play.x[w, d] - los, play.x[wb, d] - los
    xb = _nanmin0(play.x[snap_i:wb + 1, d]) - los
    near = np.minimum(np.abs(play.y[w, d] - play.y[w, qb]), np.abs(play.y[wb, d] - play.y[wb, qb]))
    back = np.isin(play.roster.position[d].astype(str), list(DEFENSIVE_BACKS))
    with np.errstate(invalid="ignore"):
        on_line = (x0 <= ON_LINE_YD) & (xw <= RUSH_DEPTH_YD) & (xw - x0 <= RETREAT_YD) & (xl <= ON_LINE_YD)
        on_line &= ~back | (xb <= 0.0)  # a corner pressing a receiver at the line rushes only if he crosses it
        blitz = (x0 > ON_LINE_YD) & (x0 <= ALIGN_DEPTH_YD) & (xb <= 0.0)
        m = (on_line | blitz) & (near <= RUSH_WIDTH_YD)
    m[m] &= ~_left_rush(play, d[m], qb, snap_i, wb, los)
    return d[m]


def _left_rush(play: Play, d: np.ndarray, qb: int, snap_i: int, wb: int, los: float) -> np.ndarray:
    """Of defenders `d`, those who went away from the passer instead of at him: by the end of the blitz window
    AWAY_FROM_PASSER_YD farther from him than at the snap, never within ENGAGED_YD of an offensive player holding
    the line (a rusher held up by a blocker may drift; a defender who is not blocked and goes away is covering a
    back in the flat, spying, or dropping into a zone: 2018102808:2525, 2018111111:3656, 2018123001:3552)."""
    if len(d) == 0:
        return np.zeros(0, bool)
    sl = slice(snap_i, wb + 1)
    gap0 = np.hypot(play.x[snap_i, d] - play.x[snap_i, qb], play.y[snap_i, d] - play.y[snap_i, qb])
    gap1 = np.hypot(play.x[wb, d] - play.x[wb, qb], play.y[wb, d] - play.y[wb, qb])
    o = np.flatnonzero((play.roster.side == "off") & (np.arange(play.n_players) != qb))
    with np.errstate(invalid="ignore"):
        hold = o[-_nanmin0(-play.x[sl, o]) - los <= LINE_YD]
        dist = np.hypot(play.x[sl, hold][:, :, None] - play.x[sl, d][:, None, :],
                        play.y[sl, hold][:, :, None] - play.y[sl, d][:, None, :])
        engaged = np.min(np.where(np.isnan(dist), np.inf, dist), axis=(0, 1), initial=np.inf) <= ENGAGED_YD
        return (gap1 - gap0 > AWAY_FROM_PASSER_YD) & ~engaged


def _blockers(play: Play, qb: int | None, snap_i: int, release_t: float | None, rushers: np.ndarray) -> np.ndarray:
    """Offensive players who pass-block: at the line RUSH_WINDOW_S after the snap and linemen, or backs and
    tight ends who met a rusher within BLOCK_REACH_YD on the way."""
    r = play.roster
    o = np.flatnonzero((r.side == "off") & (np.arange(len(r)) != (-1 if qb is None else qb)))
    los = _los(play, snap_i)
    if los is None or len(o) == 0:
        return o[:0]
    w = _window(play, snap_i, release_t)
    with np.errstate(invalid="ignore"):
        at_line = -_nanmin0(-play.x[snap_i:w + 1, o]) - los <= LINE_YD
    line = np.isin(r.position[o].astype(str), list(OFFENSIVE_LINE))
    met = np.zeros(len(o), bool)
    if len(rushers):
        dx = play.x[snap_i:w + 1, o][:, :, None] - play.x[snap_i:w + 1, rushers][:, None, :]
        dy = play.y[snap_i:w + 1, o][:, :, None] - play.y[snap_i:w + 1, rushers][:, None, :]
        met = np.nanmin(np.where(np.isnan(dx), np.inf, np.hypot(dx, dy)), axis=(0, 2)) <= BLOCK_REACH_YD
    return o[at_line & (line | met)]


def _kind(play: Play, trick: bool) -> str:
    """"dropback", "trick", "run", "special_teams" or "other" (the module docstring says how)."""
    m = play.meta
    desc = f" {m.description.lower()} "
    snapped_to = play.roster.position[play.roster.side == "off"].astype(str)
    if (m.play_type in SPECIAL_TYPES or any(w in desc for w in SPECIAL_WORDS)
            or np.isin(snapped_to, list(SPECIAL_POSITIONS)).any()):
        return "special_teams"
    if trick:
        return "trick"
    if m.play_type in ("pass", "sack") or " scrambles " in desc or (m.play_type == "two_point" and " pass " in desc):
        return "dropback"
    if m.play_type == "run":
        return "run"
    return "other"


# ------------------------------------------------------------------ the public questions

def passer(play: Play) -> int | None:
    """Column of the passer (the real thrower; the module docstring says how), or None."""
    return roles(play).passer


def release_time(play: Play) -> float | None:
    """Seconds from the snap when the passer lets go of the ball, or None on plays without a pass."""
    return roles(play).release_t


def dropback_end(play: Play) -> float:
    """End of the decision window: the release, else a sack/handoff/run, else the last frame."""
    return roles(play).dropback_end


def trick_play(play: Play) -> bool:
    """True when the passer got the ball by a handoff or a lateral (drills leave such plays out unless asked)."""
    return roles(play).trick


def eligible_receivers(play: Play) -> np.ndarray:
    """Columns of the eligible receivers, the passer excluded."""
    return roles(play).receivers


def pass_rushers(play: Play) -> np.ndarray:
    """Columns of the pass rushers: labelled by the release where it has them, else from the tracks."""
    return roles(play).rushers


SHOTGUN_ARRIVAL_S = 0.5  # s: without a usable ball track, the snap reaches a shotgun QB about this long after it
EXCHANGE_S = 0.2  # s: even under centre the exchange takes a moment; no throw before it
UNDER_CENTRE_YD = 2.0  # yd: the ball this close to the passer at the snap: he is under centre
LATEST_HOLD_S = 0.8  # s: by then the snap has reached any QB


def ball_in_hand_time(play: Play) -> float:
    """Seconds from the snap when the passer first holds the ball (under centre: the exchange; shotgun: the snap
    arriving): EXCHANGE_S when the ball sits within UNDER_CENTRE_YD of him at the snap (the tracked ball lags and
    wanders by a yard or more under centre), else the first frame after the snap the ball track is within HOLD_IN
    of him, else SHOTGUN_ARRIVAL_S; never later than LATEST_HOLD_S (a snap has reached even a deep shotgun QB by
    then; later only means a noisy ball track) nor after the real release. A throw before it is not legal."""
    qb = passer(play)
    rel = release_time(play)
    t = SHOTGUN_ARRIVAL_S
    if qb is not None:
        bx, by = _ball_per_frame(play)
        d = np.hypot(play.x[:, qb] - bx, play.y[:, qb] - by)
        after = play.t >= 0
        hit = np.flatnonzero(after & (d <= HOLD_IN))
        at_snap = d[after][:1]
        if len(at_snap) and at_snap[0] <= UNDER_CENTRE_YD:
            t = EXCHANGE_S
        elif len(hit):
            t = min(max(float(play.t[hit[0]]), EXCHANGE_S), LATEST_HOLD_S)
    return min(t, rel) if rel is not None else t


def track_pass_rushers(play: Play) -> np.ndarray:
    """Columns of the pass rushers by the tracks alone (compared against a release's labels)."""
    return roles(play).track_rushers


def pass_blockers(play: Play) -> np.ndarray:
    """Columns of the offensive players who pass-block, by the tracks."""
    return roles(play).blockers


PLAY_KINDS = ("dropback", "trick", "run", "special_teams", "other")


def play_kind(play: Play) -> str:
    """One of PLAY_KINDS: fake punts and kickoffs are never dropbacks, nor passes thrown after a handoff."""
    return roles(play).kind


def is_dropback(play: Play) -> bool:
    return roles(play).kind == "dropback"


def roster_roles(play: Play) -> np.ndarray:
    """One of play.ROLES per roster column, from the answers above: the passer; the offensive non-linemen who go
    ROUTE_DEPTH_YD past the line before the dropback ends "route_runner" (a tight end who chips, then releases,
    too); every other offensive player "blocker" (linemen, and backs kept in to protect whether or not a rusher
    came to them); the pass rushers "pass_rusher", every other defender "coverage"."""
    r = play.roster
    out = np.full(len(r), "", object)
    out[r.side == "off"] = "blocker"
    out[roles(play).routes] = "route_runner"
    out[r.side == "def"] = "coverage"
    out[pass_rushers(play)] = "pass_rusher"
    qb = passer(play)
    if qb is not None:
        out[qb] = "passer"
    return out


def defenders(play: Play) -> np.ndarray:
    return play.players_where(side="def")
