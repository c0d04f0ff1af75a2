"""A training rep made reviewable: the play exactly as the session recorded it, plus what the review draws over
it (the trainee's eyes and gaze, his throw and its outcome, the real QB's ball, each receiver's CP).

    ref = session_ref("sessions/drill1:2")   # (folder, rep), or None for a play key GAMEID:PLAYID
    rep = load_rep_review(folder, 2, store)   # a RepReview: .play to show, .gaze_at(t), .cp_at(t) ...

The reviewed play is the recording up to the first recorded model time, then the continuation model's tracks
the stream holds (`ModelTracks`: what the trainee saw after he departed from the real play), with the trainee's
ball held until his throw and flying straight to the recorded catch point (`replay.continuation.splice`, the
same rule the live rep used), and his throw, the arrival and a sack as the play's events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from replay.continuation.splice import held_then_thrown, spliced_play
from replay.errors import InputError, QbvrError
from replay.events import ARRIVAL_EVENTS
from replay.play import Play
from replay.roles import passer, release_time

from ..consequences import AFTER_ARRIVAL_S, result_line
from .records import FrameSample, ModelTracks, RepEvent, RepOutcome, RepStart, Throw
from .stream import STREAM, StreamContents, read_stream
from .summary import player_label, rep_summary, shown_play

PLAY_KEY = re.compile(r"\d+[:_]\d+")
CP_STEP_S = 0.1
GHOST_FPS = 30.0
SACK_WORDS = {"sack": "SACKED", "no_throw": "NO THROW", "quit": "QUIT"}


def session_ref(text: str) -> tuple[Path, int] | None:
    """`SESSION[:REP]` -> (folder, rep); None when `text` is a play key GAMEID:PLAYID (and no folder of that
    name exists); a QbvrError (one line) when it is neither."""
    p = Path(text)
    if p.is_dir():
        return p, 1
    head, sep, tail = text.rpartition(":")
    if sep and head and Path(head).is_dir():
        if not tail.isdigit() or int(tail) < 1:
            raise QbvrError(f"{text!r}: the rep after the session folder must be a number from 1 (SESSION:REP)")
        return Path(head), int(tail)
    if PLAY_KEY.fullmatch(text.strip()):
        return None
    where = head if sep and tail.isdigit() else text
    raise QbvrError(f"{text!r} is neither a session folder ({where} does not exist) nor a play key GAMEID:PLAYID "
                    "(e.g. 2018092311:141)")


def read_session(folder: Path) -> StreamContents:
    """The session's stream; a one-line error when the folder is not a session."""
    if not (folder / STREAM).is_file():
        raise InputError(folder, f"not a qbvr session folder (no {STREAM})",
                         expected="a folder written by `qbvr train`")
    return read_stream(folder)


@dataclass
class GazeFrames:
    """The rep's recorded frames as arrays: time, eye (m), gaze and head directions, hit player, gaze point."""

    t: np.ndarray
    eye: np.ndarray
    gaze: np.ndarray
    head: np.ndarray
    hit: np.ndarray
    point: np.ndarray

    @classmethod
    def of(cls, frames: list[FrameSample]) -> GazeFrames:
        nan3 = [np.nan] * 3
        return cls(np.array([f.play_t for f in frames], np.float64).reshape(-1),
                   np.array([f.eye for f in frames], np.float32).reshape(-1, 3),
                   np.array([f.gaze for f in frames], np.float32).reshape(-1, 3),
                   np.array([f.head_direction for f in frames], np.float32).reshape(-1, 3),
                   np.array([f.hit_nfl_id for f in frames], np.int64).reshape(-1),
                   np.array([f.gaze_point or nan3 for f in frames], np.float32).reshape(-1, 3))

    def index_at(self, t: float) -> int | None:
        """The frame shown at play time `t` (the last one at or before it), None before the first."""
        k = int(np.searchsorted(self.t, t + 1e-6, side="right")) - 1
        return k if k >= 0 else None


@dataclass
class RepReview:
    """Everything a review of one rep shows, as plain numbers (the scenes draw it)."""

    folder: Path
    rep: int
    start: RepStart
    real: Play
    play: Play
    frames: GazeFrames
    throw: Throw | None
    outcome: RepOutcome | None
    end: RepEvent | None
    t_range: tuple[float, float]
    score: dict[str, Any]
    cp_t: np.ndarray | None = None  # [T] times of the CP grid (s from the snap), up to the decision
    cp_ids: np.ndarray | None = None  # [R] receivers' nfl ids
    cp: np.ndarray | None = None  # [T, R]
    ghost_t: np.ndarray | None = None  # [G] the real ball's flight: times
    ghost: np.ndarray | None = None  # [G, 3] world metres
    texts: dict[str, str] = field(default_factory=dict)  # "decision" (the HUD line), "outcome"

    @property
    def key(self) -> str:
        return f"{self.folder.name}:{self.rep}"

    @property
    def decision_t(self) -> float:
        """When the trainee decided (his throw, else the rep's end): CP labels freeze there."""
        if self.throw is not None:
            return float(self.throw.play_t)
        return float(self.end.play_t) if self.end is not None and self.end.play_t is not None else self.t_range[1]

    @property
    def arrival_t(self) -> float:
        """From when the outcome is shown: the ball's arrival, else the rep's end."""
        if self.outcome is not None and self.outcome.t_arrive is not None:
            return float(self.outcome.t_arrive)
        return self.decision_t

    def cp_at(self, t: float) -> dict[int, float]:
        """Each receiver's CP (nfl id -> CP) of a throw at `t` (held at the decision after it); {} before the
        snap or when the play has no CP."""
        if self.cp is None or t < float(self.cp_t[0]) - 1e-6:
            return {}
        tt = min(t, float(self.cp_t[-1]))
        return {int(n): float(np.interp(tt, self.cp_t, self.cp[:, r])) for r, n in enumerate(self.cp_ids)}

    def ghost_at(self, t: float) -> np.ndarray | None:
        """The real QB's ball at `t` during its flight (and briefly resting after), else None."""
        if self.ghost_t is None or not self.ghost_t[0] <= t <= self.ghost_t[-1]:
            return None
        return np.array([np.interp(t, self.ghost_t, self.ghost[:, k]) for k in range(3)], np.float32)


def rep_records(contents: StreamContents, folder: Path, rep: int) -> RepStart:
    starts = contents.of_type(RepStart)
    hit = [r for r in starts if r.rep == rep]
    if not hit:
        have = "no reps" if not starts else "only rep 1" if len(starts) == 1 else f"reps 1..{len(starts)}"
        raise QbvrError(f"{folder}: rep {rep} is not in this session (it has {have})")
    return hit[0]


def reviewed_play(real: Play, start: RepStart, tracks: ModelTracks | None, throw: Throw | None,
                  outcome: RepOutcome | None, end: RepEvent | None) -> Play:
    """The play the trainee saw: the recording, then the recorded model tracks (see the module docstring)."""
    if tracks is None or not tracks.times:
        return real
    gt = np.asarray(tracks.times, np.float64)
    ids = np.asarray(tracks.nfl_ids, np.int64)
    shape = (len(gt), len(ids))
    if len(tracks.x) != shape[0] * shape[1] or len(tracks.y) != len(tracks.x):
        raise QbvrError(f"rep {start.rep}: the model_tracks record has {len(tracks.x)} positions, expected "
                        f"{shape[0]} times x {shape[1]} players")
    try:
        cols = np.array([real.roster.index_of(int(n)) for n in ids])
    except KeyError as e:
        raise QbvrError(f"rep {start.rep}: model tracks name a player not in play {real.key} ({e})") from None
    gpos = np.full((len(gt), real.n_players, 2), np.nan)
    gpos[:, cols, 0] = np.reshape(tracks.x, shape)
    gpos[:, cols, 1] = np.reshape(tracks.y, shape)
    gvel = grid_velocity(gt, gpos)
    qb = real.roster.index_of(start.qb_nfl_id) if start.qb_nfl_id is not None else passer(real)
    flight = None
    events: list[tuple[float, str]] = []
    if throw is not None and outcome is not None and outcome.catch and outcome.t_arrive is not None:
        flight = (float(throw.play_t), float(outcome.t_arrive), np.asarray(outcome.catch[:2], np.float64))
        events.append((flight[0], "pass_forward"))
        if flight[1] <= gt[-1] + 1e-6:
            events.append((flight[1], "pass_arrived"))
    elif end is not None and end.name == "sack" and end.play_t is not None:
        events.append((float(end.play_t), "qb_sack"))
    bx, by = held_then_thrown(gt, gpos[:, qb], flight)
    m = real.ball_t < gt[0] - 1e-6
    ball = (np.concatenate([real.ball_t[m], gt]), np.concatenate([real.ball_x[m], bx]),
            np.concatenate([real.ball_y[m], by]))
    meta = replace(real.meta, target_nfl_id=None if throw is None else int(throw.nfl_id),
                   pass_result="S" if end is not None and end.name == "sack" else None,
                   extra={**real.meta.extra, "continued_from_t": round(float(gt[0]), 4)})
    dt = float(np.median(np.diff(gt))) if len(gt) > 1 else 0.1
    return spliced_play(real, float(gt[0]), gt, gpos, gvel, ball, events, meta,
                        f"session review of rep {start.rep}: recorded model tracks from {gt[0]:.2f} s", dt=dt)


def grid_velocity(gt: np.ndarray, gpos: np.ndarray) -> np.ndarray:
    """Velocities [T, P, 2] of grid positions: the model steps `pos += v * dt` with the new velocity, so a
    state's velocity is the backward difference (the first state takes the second's)."""
    if len(gt) < 2:
        return np.zeros_like(gpos)
    v = np.diff(gpos, axis=0) / np.diff(gt)[:, None, None]
    return np.concatenate([v[:1], v])


def load_rep_review(folder: Path, rep: int = 1, store=None) -> RepReview:
    """The review of rep `rep` of the session in `folder`; the recorded plays come from `store`."""
    from scenes.drills import load_play_ref
    contents = read_session(folder)
    start = rep_records(contents, folder, rep)
    real = load_play_ref(start.play_ref, store)
    throw = next(iter(contents.of_type(Throw, rep)), None)
    outcome = next(iter(contents.of_type(RepOutcome, rep)), None)
    end = next((e for e in contents.of_type(RepEvent, rep) if e.ends_rep), None)
    if end is None or end.name != "throw":
        throw = None  # a throw record without a throw end: the rep was cut short (killed) before the flight
    play = reviewed_play(real, start, next(iter(contents.of_type(ModelTracks, rep)), None), throw, outcome, end)
    frames = GazeFrames.of(contents.of_type(FrameSample, rep))
    stop = _rep_stop(play, frames, throw, outcome, end)
    loader = lambda ref: real if ref == start.play_ref else load_play_ref(ref, store)  # noqa: E731
    score = rep_summary(contents, start, loader)["score"]
    out = RepReview(folder, rep, start, real, play, frames, throw, outcome, end,
                    (float(start.start_t), stop), score)
    _add_cp(out)
    _add_ghost(out)
    out.texts = review_texts(out)
    return out


def _rep_stop(play: Play, frames: GazeFrames, throw: Throw | None, outcome: RepOutcome | None,
              end: RepEvent | None) -> float:
    """The last instant the rep showed: shortly after the arrival of a throw, else its end, else its last frame."""
    if throw is not None and outcome is not None and outcome.t_arrive is not None:
        stop = float(outcome.t_arrive) + AFTER_ARRIVAL_S
    elif end is not None and end.play_t is not None:
        stop = float(end.play_t)
    else:
        stop = float(frames.t[-1]) if len(frames.t) else float(play.t[-1])
    return min(stop, float(play.t[-1]))


def _add_cp(r: RepReview) -> None:
    """CP of every receiver from the snap to the decision, on the play the trainee was shown while he held the
    ball (as the session's scoring used it); the recorded CP of his throw at the release."""
    from engine.cp.timeline import context_for, cp_matrix
    t1 = r.decision_t
    if t1 < 0:
        return
    held = shown_play(r.real, r.start)
    try:
        times = np.unique(np.append(np.arange(0.0, t1, CP_STEP_S), t1))
        cp, _ = cp_matrix(held, times)
        ids = context_for(held).nfl_ids.copy()
    except (QbvrError, ValueError):
        return  # no pass context on this play: no CP labels
    if r.outcome is not None and r.outcome.cp is not None and r.throw is not None:
        hit = np.flatnonzero(ids == int(r.throw.nfl_id))
        if len(hit):
            cp[-1, hit[0]] = r.outcome.cp
    r.cp_t, r.cp_ids, r.cp = times, ids, cp


def _add_ghost(r: RepReview) -> None:
    """The real ball's 3D flight from the real release to its arrival (and AFTER_ARRIVAL_S after it)."""
    t0 = release_time(r.real)
    if t0 is None:
        return
    arr = r.real.first_event(*ARRIVAL_EVENTS)
    t1 = float(r.real.t[arr[1]]) if arr is not None and float(r.real.t[arr[1]]) > t0 else t0 + 1.5
    from scenes.pose_source import pose_source_for
    motion = pose_source_for(r.real)
    ts = np.arange(t0, min(t1 + AFTER_ARRIVAL_S, float(r.real.t[-1])) + 1e-9, 1.0 / GHOST_FPS)
    try:
        pos = np.asarray(motion.ball_at(ts), np.float32).reshape(len(ts), 3)
    except (TypeError, ValueError):
        pos = np.array([motion.ball_at(float(t)) for t in ts], np.float32)
    ok = np.isfinite(pos).all(axis=1)
    if ok.sum() >= 2:
        r.ghost_t, r.ghost = ts[ok], pos[ok]


def _label(r: RepReview, nfl_id: int | None) -> str:
    if nfl_id is None:
        return "?"
    for x in r.start.receivers:
        if x.nfl_id == int(nfl_id):
            return player_label(x.to_record(), key=x.key)
    return r.start.players.get(int(nfl_id), str(nfl_id))


def review_texts(r: RepReview) -> dict[str, str]:
    """The HUD lines: both decision times (and CPs), and the outcome shown after the arrival."""
    s = r.score
    if r.throw is not None:
        cp = s.get("cp_chosen")
        you = (f"trainee: threw at {r.throw.play_t:.2f} s to {_label(r, r.throw.nfl_id)}"
               + ("" if cp is None else f" (CP {cp:.2f})"))
    else:
        name = r.end.name if r.end is not None else "cut short"
        at = "" if r.end is None or r.end.play_t is None else f" at {r.end.play_t:.2f} s"
        you = f"trainee: {SACK_WORDS.get(name, name).lower()}{at}"
    real = s.get("real") or {}
    if real.get("release_t") is not None:
        cp = real.get("cp")
        them = (f"real QB: threw at {real['release_t']:.2f} s to {_label(r, real.get('target'))}"
                + ("" if cp is None else f" (CP {cp:.2f})"))
    else:
        them = "real QB: no throw" + (" (sacked)" if real.get("sacked") else "")
    o = r.outcome
    if o is not None and o.nfl_id is not None and r.throw is not None:
        outcome = result_line(o.result, _label(r, o.nfl_id))
    else:
        outcome = SACK_WORDS.get(r.end.name if r.end is not None else "", "")
    return {"decision": f"{you}     {them}", "outcome": outcome, "title": f"session {r.key}  {r.start.play_key}"}
