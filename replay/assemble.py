"""From one play's rows in the canonical long layout to a normalised `Play`: the part every reader shares.

A reader turns its source's rows into a DataFrame in the canonical layout declared in `replay/rows.py` (checked
here: a missing required column stops the file with an error naming the reader, the file and the column; absent
optional columns take their declared defaults) and fills a `PlayContext` with what the play tables say.
Everything else — duplicates, events, gaps, direction, the snap, time, derived acceleration, roles and the
self-check — happens here, once, the same for every source, in the named steps of `_build`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from .errors import PlayError
from .events import LIVE_END_EVENTS, PASS_END_EVENTS, SACK_EVENTS, clean_events
from .play import DEFENSIVE_LINE, FIELD_LENGTH, FIELD_WIDTH, FPS, OFFENSIVE_LINE, Play, PlayMeta, Roster
from .quality import MAX_FRAMES_PER_PLAY, MAX_PLAYERS_PER_PLAY
from .roles import forget_roles, play_kind, roster_roles
from .rows import PLAYER_COLUMNS, TRACK_COLUMNS, conform
from .teams import canonical_team

MAX_FILLED_GAP = 3  # frames; longer gaps are flagged, never invented
FIRST_DOWN_CAP_X = 110.0  # the first-down line never lies beyond the goal line
QB_LOS_OFFSET = 1.0  # yd: the centre's ball is about a yard ahead of a QB under centre

__all__ = ["PlayContext", "build_play", "pass_result_from_events", "PASS_END_EVENTS", "TRACK_COLUMNS",
           "PLAYER_COLUMNS"]


@dataclass
class PlayContext:
    """What the play-level tables say about one play; the reader fills what its source has."""

    meta: PlayMeta
    path: str
    direction: str | None = None  # raw playDirection: "left" / "right"
    los_raw: float | None = None  # line of scrimmage in raw (un-normalised) x
    los_x: float | None = None  # line of scrimmage already normalised (sources that give it from the offense's side)
    players: dict[int, dict[str, Any]] = field(default_factory=dict)  # nfl_id -> height_m, weight_kg, position, name
    roles: dict[int, str] = field(default_factory=dict)  # nfl_id -> one of play.ROLES
    player_extra: dict[str, dict[int, Any]] = field(default_factory=dict)  # label -> nfl_id -> value
    ball_track: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # (frame_id, x, y) raw, when synthesised
    flags: dict[str, str] = field(default_factory=dict)


def build_play(rows: pd.DataFrame, ctx: PlayContext) -> Play:
    """Assemble, clean and normalise one play. Raises InputError when the rows break the canonical schema (the
    whole file is then unusable) and PlayError when this play cannot be used."""
    key = ctx.meta.key
    rows = conform(rows, reader=ctx.meta.source_format, path=ctx.path)
    try:
        return _build(rows, ctx)
    except PlayError:
        raise
    except (ValueError, KeyError, IndexError, TypeError) as e:
        raise PlayError(key, ctx.path, f"cannot assemble the play: {type(e).__name__}: {e}") from None


@dataclass
class _Grid:
    """The play's rows laid out on the frame x player grid: frame ids, each row's frame and player column."""

    frame_id: np.ndarray  # [F] int32, every frame from the first to the last
    fi: np.ndarray  # per row: frame index
    is_ball: np.ndarray  # per row
    ids: np.ndarray  # [P] nfl ids, sorted
    pcol: np.ndarray  # per player row: column in `ids`

    @property
    def f0(self) -> int:
        return int(self.frame_id[0])


def _build(rows: pd.DataFrame, ctx: PlayContext) -> Play:
    """The assembly steps in order; each step says what it flags."""
    flags = dict(ctx.flags)
    rows = _drop_duplicates(rows, flags)
    grid = _grid(rows, ctx, flags)
    prow = rows[~grid.is_ball]
    arrays = _track_arrays(prow, grid)
    roster = _roster(prow, grid.ids, grid.pcol, ctx)
    ball_x, ball_y = _ball(rows, grid, ctx)
    events, notes = clean_events(grid.fi, rows["event"].to_numpy(object))
    if notes:
        flags["auto_event_used"] = "; ".join(notes)
    _fill_gaps(arrays, flags)
    off_cols, def_cols = np.flatnonzero(roster.side == "off"), np.flatnonzero(roster.side == "def")
    if len(off_cols) == 0 or len(def_cols) == 0:
        raise PlayError(ctx.meta.key, ctx.path,
                        "cannot tell offense from defense (no player matches the possession team)")
    snap_i, events = _snap(arrays, ball_x, ball_y, bool(grid.is_ball.any()), off_cols, events, grid, flags)
    _drop_wonky_ball(ball_x, ball_y, snap_i, events, flags)
    direction, inferred = _direction(ctx.direction, arrays, snap_i, off_cols, def_cols)
    meta = replace(ctx.meta, play_direction=direction, direction_inferred=inferred or ctx.meta.direction_inferred)
    if direction == "left":
        ball_x, ball_y = _flip_left(arrays, ball_x, ball_y)
    _season_2017_orientation(arrays, roster, snap_i, meta, flags)
    if np.isnan(arrays["a"]).all():
        arrays["a"] = _derive_acceleration(arrays)
        flags["derived"] = "acceleration derived from speed and direction (the source has no `a`)"
    meta = _with_line_of_scrimmage(meta, ctx, direction, ball_x, arrays, roster, snap_i, flags)
    t = (grid.frame_id.astype(np.float64) - float(grid.frame_id[snap_i])) / FPS
    _source_roles(roster, ctx)
    if meta.target_nfl_id is not None and meta.target_nfl_id not in set(roster.nfl_id.tolist()):
        flags["target_not_tracked"] = f"targeted receiver {meta.target_nfl_id} has no tracking rows"
    _self_check(arrays, roster, snap_i, meta, flags)
    play = Play(meta=meta, roster=roster, frame_id=grid.frame_id, t=t, **arrays,
                ball_t=t.copy(), ball_x=ball_x, ball_y=ball_y, events=events, flags=flags)
    play.validate()
    _inferred_roles(play)
    return play


def _drop_duplicates(rows: pd.DataFrame, flags: dict[str, str]) -> pd.DataFrame:
    """One row per (frame, player or ball): the first is kept, exact and conflicting repeats are counted."""
    ent = rows["nfl_id"].where(~rows["is_ball"].astype(bool), -1.0)
    keyed = pd.DataFrame({"f": rows["frame_id"].to_numpy(), "e": ent.to_numpy(),
                          **{c: rows[c].to_numpy() for c in ("x", "y", "s", "o", "dir")}})
    dup = keyed.duplicated(["f", "e"]).to_numpy()
    if not dup.any():
        return rows
    n_exact = int(keyed.duplicated().sum())
    flags["duplicate_rows"] = (f"{n_exact} exact duplicate rows and {int(dup.sum()) - n_exact} repeated "
                               "(frame, player) rows with other values dropped (the first row is kept)")
    return rows[~dup]


def _grid(rows: pd.DataFrame, ctx: PlayContext, flags: dict[str, str]) -> _Grid:
    """Frames from the first to the last row (missing frames flagged) and the players (by nfl id)."""
    key = ctx.meta.key
    fids = rows["frame_id"].to_numpy(np.int64)
    if len(fids) == 0:
        raise PlayError(key, ctx.path, "has no rows")
    f0, f1 = int(fids.min()), int(fids.max())
    if f1 - f0 + 1 > MAX_FRAMES_PER_PLAY:  # checked before anything is allocated from the span
        raise PlayError(key, ctx.path, f"frames {f0}..{f1} span {f1 - f0 + 1:,} frames, over the limit of "
                        f"{MAX_FRAMES_PER_PLAY:,} per play (a frame number is wrong)")
    frame_id = np.arange(f0, f1 + 1, dtype=np.int32)
    fi = fids - f0
    missing_frames = len(frame_id) - len(np.unique(fi))
    if missing_frames:
        flags["missing_frames"] = f"{missing_frames} of {len(frame_id)} frames have no rows at all"
    is_ball = rows["is_ball"].to_numpy(bool)
    prow = rows[~is_ball]
    if prow["nfl_id"].isna().any():
        raise PlayError(key, ctx.path, "player rows without nflId")
    ids, pcol = np.unique(prow["nfl_id"].to_numpy(np.float64).astype(np.int64), return_inverse=True)
    if len(ids) == 0:
        raise PlayError(key, ctx.path, "has no player rows")
    if len(ids) > MAX_PLAYERS_PER_PLAY:
        raise PlayError(key, ctx.path, f"{len(ids)} players, over the limit of {MAX_PLAYERS_PER_PLAY} per play")
    return _Grid(frame_id=frame_id, fi=fi, is_ball=is_ball, ids=ids, pcol=pcol)


def _track_arrays(prow: pd.DataFrame, grid: _Grid) -> dict[str, np.ndarray]:
    """x, y, s, a, o, dir as float32 [frames, players], NaN where a player has no row."""
    F, P = len(grid.frame_id), len(grid.ids)
    pfi = grid.fi[~grid.is_ball]
    arrays: dict[str, np.ndarray] = {}
    for c in TRACK_COLUMNS:
        a = np.full((F, P), np.nan, np.float32)
        a[pfi, grid.pcol] = pd.to_numeric(prow[c], errors="coerce").to_numpy(np.float32)
        arrays[c] = a
    return arrays


def _ball(rows: pd.DataFrame, grid: _Grid, ctx: PlayContext) -> tuple[np.ndarray, np.ndarray]:
    """The ball per frame: from its own rows, else a track the reader synthesised, else unknown (NaN)."""
    F = len(grid.frame_id)
    ball_x = np.full(F, np.nan, np.float32)
    ball_y = np.full(F, np.nan, np.float32)
    if grid.is_ball.any():
        brow = rows[grid.is_ball]
        bfi = grid.fi[grid.is_ball]
        ball_x[bfi] = pd.to_numeric(brow["x"], errors="coerce").to_numpy(np.float32)
        ball_y[bfi] = pd.to_numeric(brow["y"], errors="coerce").to_numpy(np.float32)
    elif ctx.ball_track is not None:
        bf, bx, by = ctx.ball_track
        f0, f1 = grid.f0, int(grid.frame_id[-1])
        ok = (bf >= f0) & (bf <= f1)
        ball_x[bf[ok] - f0] = bx[ok]
        ball_y[bf[ok] - f0] = by[ok]
    return ball_x, ball_y


def _snap(arrays: dict[str, np.ndarray], ball_x: np.ndarray, ball_y: np.ndarray, ball_tracked: bool,
          off_cols: np.ndarray, events: list[tuple[int, str]], grid: _Grid, flags: dict[str, str]
          ) -> tuple[int, list[tuple[int, str]]]:
    """The snap's frame index: the event, else inferred from the ball's (or the offense's) first movement."""
    snap_i = _event_index(events, "ball_snap")
    if snap_i is not None:
        return snap_i, events
    # A synthesised ball track starts at the release: only a tracked ball can tell the snap.
    F = len(grid.frame_id)
    bx, by = (ball_x, ball_y) if ball_tracked else (np.full(F, np.nan, np.float32),) * 2
    snap_i, how = _infer_snap(arrays, bx, by, off_cols, events)
    flags["inferred_snap"] = f"no ball_snap event; snap inferred at frame {int(grid.frame_id[snap_i])} from {how}"
    return snap_i, sorted(events + [(snap_i, "ball_snap")])


def _direction(given: str | None, arrays: dict[str, np.ndarray], snap_i: int, off_cols: np.ndarray,
               def_cols: np.ndarray) -> tuple[str, bool]:
    """("left" | "right", inferred): given, else which way the offense faces the defense at the snap."""
    direction = (given or "").strip().lower()
    if direction in ("left", "right"):
        return direction, False
    ox = np.nanmean(arrays["x"][snap_i, off_cols])
    dx = np.nanmean(arrays["x"][snap_i, def_cols])
    return ("right" if ox < dx else "left"), True


def _flip_left(arrays: dict[str, np.ndarray], ball_x: np.ndarray, ball_y: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Turn a play run toward -x around (in place for the tracks) so the offense moves toward +x."""
    arrays["x"] = (FIELD_LENGTH - arrays["x"]).astype(np.float32)
    arrays["y"] = (FIELD_WIDTH - arrays["y"]).astype(np.float32)
    arrays["o"] = np.mod(arrays["o"] + 180.0, 360.0).astype(np.float32)
    arrays["dir"] = np.mod(arrays["dir"] + 180.0, 360.0).astype(np.float32)
    return (FIELD_LENGTH - ball_x).astype(np.float32), (FIELD_WIDTH - ball_y).astype(np.float32)


def _with_line_of_scrimmage(meta: PlayMeta, ctx: PlayContext, direction: str, ball_x: np.ndarray,
                            arrays: dict[str, np.ndarray], roster: Roster, snap_i: int, flags: dict[str, str]
                            ) -> PlayMeta:
    """`meta` with the normalised line of scrimmage (from the tables, else the ball, else the QB at the snap)
    and the first-down line."""
    los = meta.los_x
    if ctx.los_raw is not None and not math.isnan(ctx.los_raw):
        los = float(FIELD_LENGTH - ctx.los_raw) if direction == "left" else float(ctx.los_raw)
    elif ctx.los_x is not None and not math.isnan(ctx.los_x):
        los = float(ctx.los_x)
    elif not np.isnan(ball_x[snap_i]):
        los = float(ball_x[snap_i])
        flags["los_from_ball"] = "line of scrimmage taken from the ball at the snap"
    else:
        qb = _qb_col(roster)
        if qb is not None and not np.isnan(arrays["x"][snap_i, qb]):
            los = float(arrays["x"][snap_i, qb] + QB_LOS_OFFSET)
            flags["los_from_qb"] = "line of scrimmage estimated from the QB at the snap"
    first_down = meta.first_down_x
    if los is not None and meta.distance is not None:
        first_down = float(min(los + meta.distance, FIRST_DOWN_CAP_X))
    return replace(meta, los_x=los, first_down_x=first_down)


def _roster(prow: pd.DataFrame, ids: np.ndarray, pcol: np.ndarray, ctx: PlayContext) -> Roster:
    P = len(ids)
    r = Roster.empty(P)
    r.nfl_id = ids.astype(np.int64)
    first = np.full(P, -1, np.int64)
    order = np.arange(len(pcol))
    first[pcol[::-1]] = order[::-1]  # first row of each player
    take = prow.iloc[first]
    offense = canonical_team(ctx.meta.offense_team)
    for i, nid in enumerate(r.nfl_id.tolist()):
        row = take.iloc[i]
        info = ctx.players.get(nid, {})
        r.name[i] = _text(row["name"]) or info.get("name", "")
        r.position[i] = (_text(row["position"]) or info.get("position", "")).upper()
        r.team[i] = canonical_team(row["team"])
        j = row["jersey"]
        try:
            r.jersey[i] = int(float(j))
        except (TypeError, ValueError):
            r.jersey[i] = -1
        side = _text(row["side"])
        if side not in ("off", "def") and r.team[i] and offense:
            side = "off" if r.team[i] == offense else "def"
        r.side[i] = side
        r.height_m[i] = info.get("height_m", np.nan)
        r.weight_kg[i] = info.get("weight_kg", np.nan)
    for label, values in ctx.player_extra.items():
        vals = [values.get(int(n)) for n in r.nfl_id.tolist()]
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) or v is None for v in vals):
            r.extra[label] = np.array([np.nan if v is None else float(v) for v in vals], np.float32)
        else:
            r.extra[label] = np.array(["" if v is None else str(v) for v in vals], dtype=object)
    return r


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    s = str(v).strip()
    return "" if s.lower() in ("nan", "na", "none") else s


def _event_index(events: list[tuple[int, str]], name: str) -> int | None:
    for i, e in events:
        if e == name:
            return i
    return None


def _fill_gaps(arrays: dict[str, np.ndarray], flags: dict[str, str]) -> None:
    """Interpolate interior gaps of <= MAX_FILLED_GAP frames per player; flag longer and edge gaps."""
    x = arrays["x"]
    F = x.shape[0]
    filled = long_gaps = edge = 0
    for p in np.flatnonzero(np.isnan(x).any(axis=0)):
        nan = np.isnan(x[:, p])
        valid = np.flatnonzero(~nan)
        if len(valid) == 0:
            edge += 1
            continue
        if valid[0] > 0 or valid[-1] < F - 1:
            edge += 1
        # interior runs of NaN between valid samples
        d = np.diff(valid)
        for k in np.flatnonzero(d > 1):
            a, b = valid[k], valid[k + 1]
            n = b - a - 1
            if n > MAX_FILLED_GAP:
                long_gaps += 1
                continue
            w = (np.arange(1, n + 1) / (n + 1)).astype(np.float32)
            for c in ("x", "y", "s", "a"):
                arr = arrays[c]
                arr[a + 1:b, p] = arr[a, p] + (arr[b, p] - arr[a, p]) * w
            for c in ("o", "dir"):
                arr = arrays[c]
                delta = (arr[b, p] - arr[a, p] + 180.0) % 360.0 - 180.0
                arr[a + 1:b, p] = np.mod(arr[a, p] + delta * w, 360.0)
            filled += n
    if filled:
        flags["interpolated"] = f"{filled} player-frames in gaps of <= {MAX_FILLED_GAP} frames interpolated"
    if long_gaps:
        flags["long_gaps"] = f"{long_gaps} gaps longer than {MAX_FILLED_GAP} frames left empty (NaN)"
    if edge:
        flags["partial_tracks"] = f"{edge} players are not tracked over the whole play"


def _drop_wonky_ball(bx: np.ndarray, by: np.ndarray, snap_i: int, events: list[tuple[int, str]],
                     flags: dict[str, str]) -> None:
    """While the ball is live, a position off the field is a tracking error (BDB 2021's "wonky" ball): drop it.
    After the play ends the ball really does leave the field (carried to the sideline, into the stands)."""
    end = next((i for i, e in events if e in LIVE_END_EVENTS and i > snap_i), len(bx) - 1)
    live = np.zeros(len(bx), bool)
    live[snap_i:end + 1] = True
    off = live & ((bx < -3) | (bx > FIELD_LENGTH + 3) | (by < -3) | (by > FIELD_WIDTH + 3))
    if off.any():
        bx[off] = np.nan
        by[off] = np.nan
        flags["ball_off_field"] = f"ball off the field on {int(off.sum())} frames of the live play (dropped)"


def _infer_snap(arrays: dict[str, np.ndarray], bx: np.ndarray, by: np.ndarray, off_cols: np.ndarray,
                events: list[tuple[int, str]]) -> tuple[int, str]:
    start = _event_index(events, "line_set") or 0
    if np.isfinite(bx).sum() > 3:
        v = np.hypot(np.diff(bx), np.diff(by)) * FPS  # v[i]: speed from frame i to i+1
        fast = np.flatnonzero((v[start:] > 3.0) & np.isfinite(v[start:])) + start
        for i in fast:
            if i + 1 < len(v) and v[i + 1] > 3.0:
                return int(i), "the ball's first movement"
    s = arrays["s"][:, off_cols]
    if np.isnan(s).all():
        s = np.hypot(np.gradient(arrays["x"][:, off_cols], axis=0), np.gradient(arrays["y"][:, off_cols], axis=0)) * FPS
    with warnings.catch_warnings():  # frames where no offensive player has a speed (e.g. BDB 2026 output)
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(s, axis=1)
    moving = np.flatnonzero(med[start:] > 1.0) + start
    if len(moving):
        return int(max(moving[0] - 1, 0)), "the offense's first collective movement"
    return 0, "the first frame (no movement found)"


def _derive_acceleration(arrays: dict[str, np.ndarray]) -> np.ndarray:
    """|dv/dt| with v from speed and direction where present, else from positions (yd/s^2)."""
    s, d = arrays["s"], np.radians(arrays["dir"])
    vx, vy = s * np.sin(d), s * np.cos(d)
    px = np.gradient(arrays["x"], axis=0) * FPS if arrays["x"].shape[0] > 1 else np.zeros_like(vx)
    py = np.gradient(arrays["y"], axis=0) * FPS if arrays["y"].shape[0] > 1 else np.zeros_like(vy)
    vx = np.where(np.isnan(vx), px, vx)
    vy = np.where(np.isnan(vy), py, vy)
    if vx.shape[0] < 2:
        return np.zeros_like(vx, dtype=np.float32)
    ax, ay = np.gradient(vx, axis=0) * FPS, np.gradient(vy, axis=0) * FPS
    return np.hypot(ax, ay).astype(np.float32)


def _qb_col(roster: Roster) -> int | None:
    idx = np.flatnonzero((roster.position == "QB") & (roster.side == "off"))
    return int(idx[0]) if len(idx) else None


def _source_roles(roster: Roster, ctx: PlayContext) -> None:
    """The roles the release labels (BDB 2023 pff_role, BDB 2025 player_play, BDB 2026 player_role)."""
    for i, nid in enumerate(roster.nfl_id.tolist()):
        if nid in ctx.roles:
            roster.role[i] = ctx.roles[nid]
            roster.role_source[i] = "source"


def _inferred_roles(play: Play) -> None:
    """On passing plays, every player the release does not label gets the role `replay.roles` gives him from the
    tracks (the same passer, rushers and blockers as the index and training use)."""
    r = play.roster
    unlabelled = r.role_source != "source"
    if not unlabelled.any() or not (play.meta.play_type in ("pass", "sack") or play_kind(play) == "dropback"):
        return
    inferred = roster_roles(play)
    forget_roles(play)  # readers may still set the target or the result: later questions are asked afresh
    r.role[unlabelled] = inferred[unlabelled]
    r.role_source[unlabelled] = np.where(inferred[unlabelled] != "", "inferred", "")


def _angle_diff(a: np.ndarray, b: float | np.ndarray) -> np.ndarray:
    return np.abs((a - b + 180.0) % 360.0 - 180.0)


def _linemen_facing(o: np.ndarray, roster: Roster) -> tuple[float, float]:
    """Share of offensive linemen facing +x and of defensive linemen facing -x (within 60 degrees)."""
    ol = np.isin(roster.position.astype(str), list(OFFENSIVE_LINE)) & (roster.side == "off")
    dl = np.isin(roster.position.astype(str), list(DEFENSIVE_LINE)) & (roster.side == "def")
    fo = o[ol][np.isfinite(o[ol])]
    fd = o[dl][np.isfinite(o[dl])]
    so = float(np.mean(_angle_diff(fo, 90.0) < 60.0)) if len(fo) else math.nan
    sd = float(np.mean(_angle_diff(fd, 270.0) < 60.0)) if len(fd) else math.nan
    return so, sd


def _season_2017_orientation(arrays: dict[str, np.ndarray], roster: Roster, snap_i: int, meta: PlayMeta,
                             flags: dict[str, str]) -> None:
    """2017 orientation is known to be rotated by about 90 degrees in some releases: correct it only when the
    linemen at the snap say so (they face each other after the +90 fix and not before)."""
    if meta.season != 2017 or np.isnan(arrays["o"]).all():
        return
    before = _linemen_facing(arrays["o"][snap_i], roster)
    fixed_o = np.mod(arrays["o"] + 90.0, 360.0).astype(np.float32)
    after = _linemen_facing(fixed_o[snap_i], roster)
    if np.nanmean(after) > 0.7 and np.nanmean(before) < 0.4:
        arrays["o"] = fixed_o
        flags["orientation_2017_corrected"] = "2017 orientation rotated by +90 degrees (linemen now face each other)"


def _self_check(arrays: dict[str, np.ndarray], roster: Roster, snap_i: int, meta: PlayMeta,
                flags: dict[str, str]) -> None:
    """Flag suspect data: linemen not facing each other at the snap; dir disagreeing with displacement;
    offense not behind the line; more than 11 or fewer than 3 players on a side; two QBs."""
    if not np.isnan(arrays["o"][snap_i]).all() and meta.play_type in ("pass", "run", "sack"):
        so, sd = _linemen_facing(arrays["o"][snap_i], roster)
        if (not math.isnan(so) and so < 0.5) or (not math.isnan(sd) and sd < 0.5):
            flags["orientation_suspect"] = (f"at the snap {so:.0%} of offensive and {sd:.0%} of defensive linemen "
                                            "face the line of scrimmage")
    x, y, s, d = arrays["x"], arrays["y"], arrays["s"], arrays["dir"]
    if x.shape[0] >= 3 and not np.isnan(d).all():
        dx = x[2:] - x[:-2]
        dy = y[2:] - y[:-2]
        heading = np.degrees(np.arctan2(dx, dy)) % 360.0
        fast = (s[1:-1] > 4.0) & np.isfinite(heading) & np.isfinite(d[1:-1])
        if fast.sum() >= 20:
            bad = float(np.mean(_angle_diff(heading[fast], d[1:-1][fast]) > 90.0))
            if bad > 0.05:
                flags["dir_suspect"] = f"dir disagrees with displacement on {bad:.0%} of fast-player frames"
    n_off = int((roster.side == "off").sum())
    n_def = int((roster.side == "def").sum())
    if not (3 <= n_off <= 11 and 3 <= n_def <= 11):
        flags["player_count"] = f"{n_off} offensive and {n_def} defensive players tracked"
    if int(((roster.position == "QB") & (roster.side == "off")).sum()) > 1:
        flags["two_qbs"] = "more than one offensive QB on the field"
    if meta.los_x is not None and meta.play_type in ("pass", "run", "sack"):
        off = roster.side == "off"
        ox = np.nanmean(x[snap_i, off])
        dx_ = np.nanmean(x[snap_i, ~off])
        if not (ox < dx_):
            flags["direction_suspect"] = "after normalisation the offense is not behind the defense at the snap"


def pass_result_from_events(events: list[tuple[int, str]]) -> str | None:
    """C / I / IN / S from outcome events, for sources without a pass-result column."""
    names = {e for _, e in events}
    if names & {"pass_outcome_caught", "pass_outcome_touchdown"}:
        return "C"
    if "pass_outcome_interception" in names:
        return "IN"
    if "pass_outcome_incomplete" in names:
        return "I"
    if names & set(SACK_EVENTS):
        return "S"
    return None

