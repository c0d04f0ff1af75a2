"""The play finder: filters on the situational index by name, as `qbvr plays` and `qbvr drill new` take them.

Numeric filters take a value or a range: `5`, `5+` (at least), `-2.5` (at most), `2-4` (between, inclusive).
Choice filters take one of their values (case-insensitive); an unknown value is an error listing the valid ones.
A play whose index value is unknown (None) never matches a filter on that field.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Callable

from .errors import QbvrError
from .situation import COLUMNS, COVERAGES, FORMATIONS, RESULTS, SHELLS

RANGE = re.compile(r"^\s*(?:(?P<lo>\d+(?:\.\d+)?)\s*(?P<plus>\+)?|-\s*(?P<hi>\d+(?:\.\d+)?)|"
                   r"(?P<a>\d+(?:\.\d+)?)\s*-\s*(?P<b>\d+(?:\.\d+)?))\s*$")


@dataclass(frozen=True)
class FilterSpec:
    """One finder filter: its option name, the index column it reads, its kind and help."""

    name: str
    column: str
    kind: str  # "range", "choice", "team", "flag", "yesno"
    help: str
    choices: tuple[str, ...] = ()


FILTERS: tuple[FilterSpec, ...] = (
    FilterSpec("offense", "offense", "team", "offense team, e.g. KC"),
    FilterSpec("defense", "defense", "team", "defense team, e.g. LA"),
    FilterSpec("season", "season", "range", "season(s), e.g. 2018 or 2017-2018"),
    FilterSpec("week", "week", "range", "week(s), e.g. 3 or 1-4"),
    FilterSpec("quarter", "quarter", "range", "quarter(s), e.g. 4"),
    FilterSpec("down", "down", "range", "down(s), e.g. 3 or 3+"),
    FilterSpec("distance", "distance", "range", "yards to go, e.g. 7+ or -3"),
    FilterSpec("rushers", "rushers", "range", "pass rushers, e.g. 5+ (dropbacks only)"),
    FilterSpec("blitz", "blitz", "flag", "five or more rushers"),
    FilterSpec("ttt", "time_to_throw", "range", "time to throw in seconds, e.g. -2.5 or 2.5-4"),
    FilterSpec("pressure", "pressure", "yesno", "a rusher within 2 yd of the passer before the ball was out",
               ("yes", "no")),
    FilterSpec("shell", "shell", "choice", "deep safeties at the snap", tuple(str(s) for s in SHELLS)),
    FilterSpec("coverage", "coverage", "choice", "man or zone (where the release labels it)", COVERAGES),
    FilterSpec("result", "result", "choice", "pass result: C complete, I incomplete, IN intercepted, S sack, "
               "R scramble", RESULTS),
    FilterSpec("formation", "formation", "choice", "offensive formation at the snap", FORMATIONS),
)
FILTER_NAMES = tuple(f.name for f in FILTERS)
SORTABLE = tuple(c for c in COLUMNS if c not in ("description", "flags"))


@dataclass(frozen=True)
class Filter:
    spec: FilterSpec
    text: str
    test: Callable[[Any], bool]

    def matches(self, row: dict[str, Any]) -> bool:
        v = row.get(self.spec.column)
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return False
        return self.test(v)


def parse_range(text: str, what: str) -> tuple[float, float]:
    """'5+' -> (5, inf); '-2.5' -> (-inf, 2.5); '2-4' -> (2, 4); '3' -> (3, 3)."""
    m = RANGE.match(str(text))
    if not m:
        raise QbvrError(f"--{what} {text!r}: expected a number or a range: N, N+ (at least), -N (at most), A-B")
    if m["hi"] is not None:
        return -math.inf, float(m["hi"])
    if m["a"] is not None:
        lo, hi = float(m["a"]), float(m["b"])
        if lo > hi:
            raise QbvrError(f"--{what} {text!r}: the range runs backwards (from {m['a']} to {m['b']})")
        return lo, hi
    lo = float(m["lo"])
    return (lo, math.inf) if m["plus"] else (lo, lo)


def make_filter(spec: FilterSpec, text: Any, teams: set[str] | None = None) -> Filter:
    """A filter from its option text; unknown values are a QbvrError listing the valid ones."""
    if spec.kind == "range":
        lo, hi = parse_range(text, spec.name)
        return Filter(spec, str(text), lambda v: lo - 1e-9 <= float(v) <= hi + 1e-9)
    if spec.kind == "flag":
        return Filter(spec, "yes", lambda v: bool(v))
    value = str(text).strip()
    if spec.kind == "team":
        value = value.upper()
        if teams is not None and value not in teams:
            raise QbvrError(f"--{spec.name} {text!r} is not a team in the store; valid: "
                            + (", ".join(sorted(teams)) or "none (the store is empty: run `qbvr import`)"))
        return Filter(spec, value, lambda v: str(v).upper() == value)
    valid = {c.lower(): c for c in spec.choices}
    if value.lower() not in valid:
        raise QbvrError(f"--{spec.name} {text!r} is not one of: {', '.join(spec.choices)}")
    if spec.kind == "yesno":
        want = value.lower() == "yes"
        return Filter(spec, value, lambda v: bool(v) == want)
    chosen = valid[value.lower()]
    return Filter(spec, chosen, lambda v: str(v).lower() == chosen.lower())


def build_filters(values: dict[str, Any], rows: list[dict[str, Any]]) -> list[Filter]:
    """Filters from {name: text} (None and False are left out), teams checked against the rows' teams."""
    teams = {str(r[c]).upper() for r in rows for c in ("offense", "defense") if r.get(c)}
    by_name = {f.name: f for f in FILTERS}
    out = []
    for name, text in values.items():
        if name not in by_name:
            raise QbvrError(f"unknown filter {name!r}; valid: {', '.join(FILTER_NAMES)}")
        if text is None or text is False:
            continue
        out.append(make_filter(by_name[name], text, teams))
    return out


def select(rows: list[dict[str, Any]], filters: list[Filter]) -> list[dict[str, Any]]:
    return [r for r in rows if all(f.matches(r) for f in filters)]


def sort_rows(rows: list[dict[str, Any]], field: str | None) -> list[dict[str, Any]]:
    """Rows by `field` ascending (`-field` descending), unknown values last; by play when None."""
    if not field:
        return sorted(rows, key=lambda r: (r["game_id"], r["play_id"]))
    desc = field.startswith("-")
    name = field.lstrip("-")
    if name not in SORTABLE:
        raise QbvrError(f"--sort {field!r}: not a field; valid: {', '.join(SORTABLE)} (prefix - for descending)")
    have = [r for r in rows if r.get(name) is not None]
    none = [r for r in rows if r.get(name) is None]
    return sorted(have, key=lambda r: r[name], reverse=desc) + none
