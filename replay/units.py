"""Parsing of the unit-bearing text fields that differ across releases (heights, weights, clocks)."""

from __future__ import annotations

import math
import re

INCH = 0.0254
POUND = 0.45359237
_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
           "oct": 10, "nov": 11, "dec": 12}


def height_m(value: object) -> float:
    """Height in metres from '6-2', "6'2\"", '6\\'03"', '74' (inches), 74.0, or the spreadsheet-mangled
    '2-Jun' / 'Jun-2' (= 6-2). NaN when missing or unreadable."""
    if value is None:
        return math.nan
    if isinstance(value, (int, float)):
        return float(value) * INCH if 48 <= float(value) <= 96 else math.nan
    s = str(value).strip().lower().replace("’", "'").replace("”", '"')
    if not s or s in ("na", "nan", "none"):
        return math.nan
    m = re.fullmatch(r"(\d)\s*(?:-|'|ft)\s*(\d{1,2})\s*(?:\"|''|in)?", s)
    if m:
        return (int(m.group(1)) * 12 + int(m.group(2))) * INCH
    m = re.fullmatch(r"(\d{1,2})-([a-z]{3})", s) or re.fullmatch(r"([a-z]{3})-(\d{1,2})", s)
    if m:
        a, b = m.groups()
        month, num = (_MONTHS.get(b), a) if a.isdigit() else (_MONTHS.get(a), b)
        if month:
            return (month * 12 + int(num)) * INCH
    try:
        inches = float(s)
    except ValueError:
        return math.nan
    return inches * INCH if 48 <= inches <= 96 else math.nan


def weight_kg(value: object) -> float:
    """Weight in kg from pounds (number or numeric text). NaN when missing or implausible."""
    try:
        lb = float(str(value).strip())
    except (TypeError, ValueError):
        return math.nan
    return lb * POUND if 100 <= lb <= 450 else math.nan


def game_clock(value: object) -> str | None:
    """'14:54:00' (MM:SS:00, BDB 2019/2020), '8:59', '08:59' -> '08:59'."""
    if value is None:
        return None
    s = str(value).strip()
    m = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?(?:\.\d+)?", s)
    if not m:
        return None
    return f"{int(m.group(1)):02d}:{m.group(2)}"
