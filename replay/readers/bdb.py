"""What the Big Data Bowl readers share: companion-table lookups, play metadata from the plays/games tables,
ball-row detection, and the mapping of a release's tracking rows onto the canonical long layout.

Each release module (`bdb2019` ... `bdb2026`) says which columns its tracking header has and handles its own
quirks; everything here is release-neutral. Column names are looked up through alias lists because the
releases spell the same field differently (`GameClock`/`gameClock`/`game_clock`, `PassResult`/`passResult`...).
"""

from __future__ import annotations

import math
import re
import weakref
from typing import Any, Callable, Iterator

import numpy as np
import pandas as pd

from ..errors import InputError, PlayError
from ..field_frame import FIELD
from ..play import Play, PlayMeta
from ..rows import TRACK_COLUMNS
from ..sources import Source
from ..teams import canonical_team
from ..units import game_clock, height_m, weight_kg
from .grouping import group_plays
from .tables import Tables

BALL_LABELS = ("football", "ball")
_MISSING = {"", "na", "nan", "none", "null", "n/a"}

Key = tuple[int, int]


# ---------------------------------------------------------------- values

def missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and v.strip().lower() in _MISSING


def text(v: Any) -> str:
    return "" if missing(v) else str(v).strip()


def number(v: Any) -> float | None:
    if missing(v):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def integer(v: Any) -> int | None:
    f = number(v)
    return None if f is None else int(f)


def flag(v: Any) -> float | None:
    """1/0, TRUE/FALSE, "1"/"0" -> 1.0/0.0; None when missing (stored as NaN per player)."""
    if isinstance(v, (bool, np.bool_)):
        return float(v)
    s = text(v).lower()
    if s in ("true", "t", "yes", "y"):
        return 1.0
    if s in ("false", "f", "no", "n"):
        return 0.0
    return number(s)


def plain(v: Any) -> Any:
    """A msgpack-friendly value: numpy scalars to Python, missing to None."""
    if isinstance(v, np.generic):
        v = v.item()
    if missing(v):
        return None
    return v.strip() if isinstance(v, str) else v


def pick(row: dict[str, Any] | None, *names: str) -> Any:
    """The first present, non-missing value among alias column names."""
    if not row:
        return None
    for n in names:
        v = row.get(n)
        if not missing(v):
            return v
    return None


# ---------------------------------------------------------------- companion tables

_CACHE: "weakref.WeakKeyDictionary[Tables, dict[str, Any]]" = weakref.WeakKeyDictionary()


def _cached(tables: Tables, name: str, build: Callable[[], Any]) -> Any:
    per = _CACHE.setdefault(tables, {})
    if name not in per:
        per[name] = build()
    return per[name]


def _need_columns(df: pd.DataFrame, kind: str, tables: Tables, cols: tuple[str, ...]) -> None:
    for c in cols:
        if c not in df.columns:
            raise InputError(tables.sources[kind], f"missing column {c!r}", line=1, column=c,
                             expected=f"the {kind} table of a Big Data Bowl release")


def _ids(df: pd.DataFrame, cols: tuple[str, ...], kind: str, tables: Tables) -> list[np.ndarray]:
    out = []
    for c in cols:
        v = pd.to_numeric(df[c], errors="coerce")
        bad = v.isna() & df[c].notna()
        if bad.any():
            k = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(tables.sources[kind], f"value {df[c].iloc[k]!r} is not an id", line=k + 2, column=c,
                             expected="an integer id")
        out.append(v.to_numpy(np.float64))
    return out


class RowLookup:
    """Key -> one table row as a dict, made on demand: a big table never becomes a dict per row."""

    def __init__(self, df: pd.DataFrame | None = None, pos: dict | None = None):
        self.df, self.pos = df, pos or {}

    def get(self, key: Any, default: Any = None) -> dict[str, Any] | None:
        i = self.pos.get(key)
        return default if i is None else self.df.iloc[i].to_dict()

    def __len__(self) -> int:
        return len(self.pos)


class PlayerRows:
    """(gameId, playId) -> nflId -> row of a per-player-per-play table (pff, player_play, tackles), made on
    demand (player_play.csv has ~350k rows of 50 columns)."""

    def __init__(self, df: pd.DataFrame | None = None, groups: dict | None = None, nfl: np.ndarray | None = None):
        self.df, self.groups, self.nfl = df, groups or {}, nfl

    def get(self, key: Key, default: Any = None) -> dict[int, dict[str, Any]]:
        idx = self.groups.get(key)
        if idx is None:
            return {} if default is None else default
        out: dict[int, dict[str, Any]] = {}
        for n, rec in zip(self.nfl[idx].tolist(), self.df.iloc[idx].to_dict("records")):
            out.setdefault(n, rec)  # first row wins, as for tracking duplicates
        return out

    def __len__(self) -> int:
        return len(self.groups)


def _first_positions(keys: list) -> dict:
    """key -> position of its first row."""
    return dict(zip(reversed(keys), range(len(keys) - 1, -1, -1)))


def play_index(tables: Tables, kind: str, near: Source, *, required_for: str | None = None,
               game: str = "gameId", play: str = "playId") -> RowLookup:
    """(gameId, playId) -> row of a play-level table (plays, targets, supplementary...). Empty when the
    optional table is absent; InputError naming the table when `required_for` says what it is needed for."""
    df = tables.require(kind, required_for, near) if required_for else tables.get(kind)
    if df is None:
        return RowLookup()

    def build() -> RowLookup:
        _need_columns(df, kind, tables, (game, play))
        g, p = _ids(df, (game, play), kind, tables)
        ok = np.flatnonzero(~(np.isnan(g) | np.isnan(p)))
        keys = list(zip(g[ok].astype(np.int64).tolist(), p[ok].astype(np.int64).tolist()))
        return RowLookup(df.iloc[ok].reset_index(drop=True), _first_positions(keys))

    return _cached(tables, f"play:{kind}:{game}:{play}", build)


def game_index(tables: Tables, near: Source, *, required_for: str | None = None,
               game: str = "gameId") -> RowLookup:
    df = tables.require("games", required_for, near) if required_for else tables.get("games")
    if df is None:
        return RowLookup()

    def build() -> RowLookup:
        _need_columns(df, "games", tables, (game,))
        (g,) = _ids(df, (game,), "games", tables)
        ok = np.flatnonzero(~np.isnan(g))
        return RowLookup(df.iloc[ok].reset_index(drop=True), _first_positions(g[ok].astype(np.int64).tolist()))

    return _cached(tables, f"games:{game}", build)


def player_play_index(tables: Tables, kind: str, *, game: str = "gameId", play: str = "playId",
                      nfl: str = "nflId") -> PlayerRows:
    """(gameId, playId) -> nflId -> row of a per-player-per-play table; empty if the table is absent."""
    df = tables.get(kind)
    if df is None:
        return PlayerRows()

    def build() -> PlayerRows:
        _need_columns(df, kind, tables, (game, play, nfl))
        g, p, n = _ids(df, (game, play, nfl), kind, tables)
        ok = np.flatnonzero(~(np.isnan(g) | np.isnan(p) | np.isnan(n)))
        sub = df.iloc[ok].reset_index(drop=True)
        keys = pd.DataFrame({"g": g[ok].astype(np.int64), "p": p[ok].astype(np.int64)})
        groups = {(int(a), int(b)): v for (a, b), v in keys.groupby(["g", "p"], sort=False).indices.items()}
        return PlayerRows(sub, groups, n[ok].astype(np.int64))

    return _cached(tables, f"pp:{kind}", build)


POSITION_COLUMNS = ("position", "Position", "officialPosition", "PositionAbbr")


def player_info(tables: Tables, near: Source, *, required_for: str | None = None) -> dict[int, dict[str, Any]]:
    """nflId -> name, position, height_m, weight_kg from players.csv, whichever release's spelling it uses
    (heights as '6-2', "6'03\"", '74' or spreadsheet-mangled '2-Jun')."""
    df = tables.require("players", required_for, near) if required_for else tables.get("players")
    if df is None:
        return {}

    def build() -> dict[int, dict[str, Any]]:
        _need_columns(df, "players", tables, ("nflId",))
        (ids,) = _ids(df, ("nflId",), "players", tables)
        pos_col = next((c for c in POSITION_COLUMNS if c in df.columns), None)
        out: dict[int, dict[str, Any]] = {}
        for nid, rec in zip(ids.tolist(), df.to_dict("records")):
            if math.isnan(nid):
                continue
            name = text(rec.get("displayName"))
            if not name:
                name = " ".join(t for t in (text(rec.get("FirstName")), text(rec.get("LastName"))) if t)
            out.setdefault(int(nid), {
                "name": name,
                "position": text(rec.get(pos_col)).upper() if pos_col else "",
                "height_m": height_m(pick(rec, "height", "Height")),
                "weight_kg": weight_kg(pick(rec, "weight", "Weight")),
            })
        return out

    return _cached(tables, "players", build)


# ---------------------------------------------------------------- play metadata

def season_from_game_id(game_id: int) -> int | None:
    """BDB game ids are YYYYMMDDnn; January/February games belong to the previous season."""
    year, month = game_id // 1_000_000, (game_id // 10_000) % 100
    if not 1990 < year < 2100 or not 1 <= month <= 12:
        return None
    return year - 1 if month <= 2 else year


def week_from_name(name: str) -> int | None:
    """'week3.csv', 'tracking_week_3.csv', 'input_2023_w03.csv' -> 3 (when games.csv does not say)."""
    m = re.search(r"(?:week_?|_w)(\d{1,2})(?!\d)", name, flags=re.I)
    return int(m.group(1)) if m else None


ST_TYPES = {"kickoff": "kickoff", "punt": "punt", "field goal": "field_goal", "extra point": "extra_point"}
NGS_PLAY_TYPES = {"play_type_pass": "pass", "play_type_sack": "sack", "play_type_rush": "run",
                  "play_type_kickoff": "kickoff", "play_type_punt": "punt", "play_type_field_goal": "field_goal"}


def play_type(row: dict[str, Any]) -> str:
    """pass / sack / run / kickoff / punt / field_goal / extra_point / other, from whichever columns the
    release has: `playType` (2021), `PassResult`/`passResult`, `SpecialTeamsPlayType`/`specialTeamsPlayType`."""
    given = NGS_PLAY_TYPES.get(text(row.get("playType")).lower())
    result = text(pick(row, "passResult", "PassResult", "pass_result")).upper()
    if result in ("C", "I", "IN", "R"):  # R: a dropback that became a scramble
        return "pass"
    if result == "S":
        return "sack"
    if given:
        return given
    st = text(pick(row, "specialTeamsPlayType", "SpecialTeamsPlayType")).lower()
    st_result = text(row.get("specialTeamsResult")).lower()
    if st in ST_TYPES and st_result != "non-special teams result":
        return ST_TYPES[st]
    if text(row.get("isSTPlay")).lower() == "true" and not st:
        return "other"
    desc = text(pick(row, "playDescription", "play_description")).lower()
    if "two-point" in desc:
        return "two_point"
    if any(w in desc for w in ("kneels", "spiked", "no play", "timeout")):
        return "other"
    return "run"


# points before the snap, as each release names them (2019; 2021-2025 and NGS highlights; 2026 supplementary data)
HOME_SCORE = ("preSnapHomeScore", "HomeScoreBeforePlay", "pre_snap_home_score")
AWAY_SCORE = ("preSnapVisitorScore", "VisitorScoreBeforePlay", "pre_snap_visitor_score")


def meta_from_tables(source_format: str, game_id: int, play_id: int, play_row: dict[str, Any] | None,
                     game_row: dict[str, Any] | None, *, extra_columns: tuple[str, ...] = (),
                     week: int | None = None, extra: dict[str, Any] | None = None, **fields: Any) -> PlayMeta:
    """Play metadata from a plays-table row and a games-table row, whatever the release calls the columns,
    built once: `week` is the fallback when the games table has none (e.g. from the file name), `extra` adds
    play-level labels to the `extra_columns` copied from the plays row, `fields` set what the release knows
    better than its tables (e.g. the targeted receiver)."""
    prow, grow = play_row or {}, game_row or {}
    home = canonical_team(pick(grow, "homeTeamAbbr", "home_team_abbr")) or None
    away = canonical_team(pick(grow, "visitorTeamAbbr", "visitor_team_abbr")) or None
    offense = canonical_team(pick(prow, "possessionTeam", "possession_team")) or None
    defense = canonical_team(pick(prow, "defensiveTeam", "defensive_team")) or None
    if defense is None and offense and home and away:
        defense = away if offense == home else home if offense == away else None
    result = text(pick(prow, "passResult", "PassResult", "pass_result")).upper()
    labels = {c: v for c in extra_columns if (v := plain(prow.get(c))) is not None}
    labels.update(extra or {})
    built: dict[str, Any] = dict(
        game_id=game_id, play_id=play_id, source_format=source_format,
        season=integer(pick(grow, "season")) or season_from_game_id(game_id),
        week=integer(pick(grow, "week")) or week, season_type="REG", home_team=home, away_team=away,
        offense_team=offense, defense_team=defense, quarter=integer(pick(prow, "quarter")),
        game_clock=game_clock(pick(prow, "gameClock", "GameClock", "game_clock")),
        down=integer(pick(prow, "down")), distance=integer(pick(prow, "yardsToGo", "yards_to_go")),
        play_type=play_type(prow) if prow else "other",
        description=text(pick(prow, "playDescription", "play_description")),
        pass_result=result if result in ("C", "I", "IN", "S", "R") else None, extra=labels,
        home_score=integer(pick(prow, *HOME_SCORE)), away_score=integer(pick(prow, *AWAY_SCORE)),
    )
    built.update(fields)
    return PlayMeta(**built)


def los_from_yardline(row: dict[str, Any], offense: str | None) -> float | None:
    """Normalised LOS (offense toward +x, own goal line at x=10) from `yardlineSide`/`yardlineNumber` and the
    possession team: on the offense's own half it is 10 + number, on the opponent's 110 - number."""
    n = number(pick(row, "yardlineNumber", "yardline_number"))
    if n is None:
        return None
    if n >= 50:
        return FIELD.midfield_x
    side = canonical_team(pick(row, "yardlineSide", "yardline_side"))
    if not side or not offense:
        return None
    return FIELD.end_zone + n if side == offense else FIELD.goal_x - n


def absolute_los(row: dict[str, Any]) -> float | None:
    return number(pick(row, "absoluteYardlineNumber", "absolute_yardline_number"))


# ---------------------------------------------------------------- tracking rows

def ball_mask(rows: pd.DataFrame, id_col: str, *label_cols: str) -> np.ndarray:
    """Ball rows, detected every way the releases mark them: team/club/displayName saying "football"/
    "Football"/"ball", or no nflId. A row without nflId whose team column names a team is a player row missing
    its id (assembly rejects that play), not a second ball."""
    n = len(rows)
    labelled = np.zeros(n, bool)
    team_named = np.zeros(n, bool)
    for i, c in enumerate(label_cols):
        if c not in rows:
            continue
        v = rows[c].astype(str).str.strip().str.lower()
        says_ball = v.isin(BALL_LABELS).to_numpy()
        labelled |= says_ball
        if i == 0:  # the team/club column
            team_named = ~says_ball & ~v.isin(_MISSING).to_numpy() & rows[c].notna().to_numpy()
    no_id = rows[id_col].isna().to_numpy() if id_col in rows else np.zeros(n, bool)
    return labelled | (no_id & ~team_named)


def home_away_codes(team: pd.Series, game_row: dict[str, Any] | None, key: str, path: str) -> np.ndarray:
    """`team` = home/away (BDB 2019/2021/2022) -> team codes from games.csv; other values pass through."""
    home = canonical_team(pick(game_row, "homeTeamAbbr", "home_team_abbr"))
    away = canonical_team(pick(game_row, "visitorTeamAbbr", "visitor_team_abbr"))
    t = team.astype(str).str.strip().str.lower()
    if (t.isin(["home", "away"]).any()) and not (home and away):
        raise PlayError(key, path, "team is home/away but games.csv has no home/visitor team codes for this game")
    return np.where(t == "home", home, np.where(t == "away", away, team.astype(object).to_numpy()))


def canonical(rows: pd.DataFrame, *, key: str, path: str, frame: str, nfl_id: str, is_ball: np.ndarray,
              team: Any = "", side: Any = "", name: str | None = None, jersey: str | None = None,
              position: str | None = None, event: str | None = "event") -> pd.DataFrame:
    """The canonical long rows `assemble.build_play` takes, from a release's tracking rows."""
    f = rows[frame]
    if f.isna().any():
        line = int(rows["_line"].to_numpy()[np.flatnonzero(f.isna().to_numpy())[0]]) if "_line" in rows else None
        raise PlayError(key, path, f"row without a frame number ({frame!r} empty{f', line {line}' if line else ''})")
    n = len(rows)
    d: dict[str, Any] = {"frame_id": f.to_numpy(np.int64), "nfl_id": rows[nfl_id].to_numpy(np.float64),
                         "is_ball": np.asarray(is_ball, bool)}
    for c in TRACK_COLUMNS:
        d[c] = rows[c].to_numpy(np.float64) if c in rows else np.full(n, np.nan)
    d["event"] = rows[event].to_numpy(object) if event and event in rows else np.full(n, "", object)
    for out, col in (("name", name), ("jersey", jersey), ("position", position)):
        d[out] = rows[col].to_numpy(object) if col and col in rows else np.full(n, "", object)
    d["team"] = team if not isinstance(team, str) else np.full(n, team, object)
    d["side"] = side if not isinstance(side, str) else np.full(n, side, object)
    return pd.DataFrame(d)


def first(rows: pd.DataFrame, col: str) -> str:
    """The first non-missing text of a column that repeats a play-level value on every row."""
    if col not in rows:
        return ""
    for v in rows[col].tolist():
        if not missing(v):
            return str(v).strip()
    return ""


def per_player_first(rows: pd.DataFrame, nfl_col: str, col: str) -> dict[int, Any]:
    """nflId -> the first non-missing value of a per-row player column (e.g. 2021's `route`)."""
    sub = rows[[nfl_col, col]].dropna()
    out: dict[int, Any] = {}
    for nid, v in zip(sub[nfl_col].tolist(), sub[col].tolist()):
        if not missing(v):
            out.setdefault(int(nid), plain(v))
    return out


def stream_plays(src: Source, chunks: Iterator[pd.DataFrame], game_col: str, play_col: str,
                 make: Callable[[int, int, pd.DataFrame], Play]) -> Iterator[Play | PlayError]:
    """Group the chunks play by play and build each; a play that cannot be built becomes a PlayError."""
    for (gid, pid), rows in group_plays(chunks, game_col, play_col, src):
        try:
            yield make(gid, pid, rows)
        except PlayError as e:
            yield e


def play_row(plays: RowLookup, gid: int, pid: int, src: Source, table: str = "plays.csv"
             ) -> dict[str, Any]:
    row = plays.get((gid, pid))
    if row is None:
        raise PlayError(f"{gid}:{pid}", src, f"is not in {table}: its teams, down and line of scrimmage are unknown")
    return row


def home_away_game_row(games: RowLookup, gid: int, pid: int, src: Source) -> dict[str, Any]:
    """The games.csv row that turns a home/away team column into team codes (2019, 2021, 2022)."""
    row = games.get(gid)
    if row is None:
        raise PlayError(f"{gid}:{pid}", src, "its game is not in games.csv: home/away cannot be told apart")
    return row


PRE_SNAP_EVENTS = {"huddle_start_offense", "huddle_break_offense", "line_set", "man_in_motion", "shift",
                   "ball_snap", "snap_direct"}


def flag_snap_before_data(play: Play) -> None:
    """A play whose tracking starts after the snap (BDB 2024 plays that begin near the handoff or catch): the
    inferred "snap" is then only the ball's first tracked movement. Said plainly in the flags."""
    if "inferred_snap" not in play.flags:
        return
    snap = play.event_frame("ball_snap")
    post = [(i, e) for i, e in play.events if e not in PRE_SNAP_EVENTS and i <= (snap or 0)]
    if post or snap == 0:
        first = f"'{post[0][1]}' at frame {int(play.frame_id[post[0][0]])}" if post else "the ball already moving"
        play.flags["snap_before_data"] = (f"the tracking starts after the snap ({first}): time 0 is the ball's first "
                                          "tracked movement, not the snap")
