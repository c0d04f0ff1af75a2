"""Colours of the scene: team jerseys from the shipped table (`assets/team_colors.json`), field and kit colours.

Colours are linear-free sRGB floats in 0..1 (the renderer writes them to an 8-bit sRGB buffer unchanged), so a
team's jersey pixel under full light is its published colour.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from replay.errors import InputError
from replay.teams import canonical_team

ASSETS = Path(__file__).resolve().parents[1] / "assets"
TEAM_COLORS_PATH = ASSETS / "team_colors.json"

RGB = tuple[float, float, float]

GRASS = (0.23, 0.47, 0.19)
GRASS_ALT = (0.27, 0.53, 0.22)
APRON = (0.20, 0.40, 0.17)
LINE_WHITE = (0.93, 0.93, 0.90)
LOS_BLUE = (0.15, 0.35, 0.95)
FIRST_DOWN_YELLOW = (1.0, 0.86, 0.0)
GOALPOST = (0.98, 0.85, 0.15)
SKY = (0.55, 0.70, 0.85)
STANDS = (0.30, 0.31, 0.34)
SKIN = (0.55, 0.40, 0.30)
SHOE = (0.08, 0.08, 0.08)
FACEMASK = (0.62, 0.62, 0.64)
PANTS = (0.85, 0.85, 0.82)
BALL = (0.45, 0.23, 0.10)
# Teams missing from the table (synthetic plays, unknown codes) fall back to these, offense first.
FALLBACK = ({"primary": "#C8102E", "secondary": "#FFFFFF"}, {"primary": "#1D428A", "secondary": "#FFC72C"})


def hex_rgb(s: str) -> RGB:
    s = s.lstrip("#")
    return (int(s[0:2], 16) / 255.0, int(s[2:4], 16) / 255.0, int(s[4:6], 16) / 255.0)


def luminance(c: RGB) -> float:
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]


@lru_cache(maxsize=4)
def team_table(path: Path = TEAM_COLORS_PATH) -> dict[str, dict[str, str]]:
    """The shipped team colour table: code -> {'primary': '#RRGGBB', 'secondary': '#RRGGBB'}."""
    try:
        doc = json.loads(Path(path).read_text())
        teams = doc["teams"]
        for code, entry in teams.items():
            hex_rgb(entry["primary"]), hex_rgb(entry["secondary"])
    except (OSError, ValueError, KeyError, TypeError, IndexError) as e:
        raise InputError(path, f"unreadable team colour table: {e}", expected="JSON {'teams': {CODE: "
                         "{'primary': '#RRGGBB', 'secondary': '#RRGGBB'}}}") from None
    return teams


@dataclass(frozen=True)
class Kit:
    """What one team wears: jersey and helmet in the primary colour, trim in the secondary."""

    team: str
    primary: RGB
    secondary: RGB
    number: RGB  # jersey number colour, chosen to contrast with the jersey

    @property
    def helmet(self) -> RGB:
        return self.primary


def team_kit(team: str | None, fallback: int = 0) -> Kit:
    """The kit of `team` (any spelling qbvr knows), or fallback kit 0/1 when the table lacks it."""
    code = canonical_team(team)
    entry = team_table().get(code) or FALLBACK[fallback % 2]
    primary, secondary = hex_rgb(entry["primary"]), hex_rgb(entry["secondary"])
    number = (0.05, 0.05, 0.08) if luminance(primary) > 0.55 else (1.0, 1.0, 1.0)
    return Kit(code or f"team{fallback}", primary, secondary, number)


def play_kits(offense: str | None, defense: str | None) -> tuple[Kit, Kit]:
    """Kits of both teams; when both would look alike (same primary) the defense wears its secondary."""
    off, dfn = team_kit(offense, 0), team_kit(defense, 1)
    dist = sum((a - b) ** 2 for a, b in zip(off.primary, dfn.primary)) ** 0.5
    if dist < 0.15:
        sec = dfn.secondary
        dfn = Kit(dfn.team, sec, dfn.primary, (0.05, 0.05, 0.08) if luminance(sec) > 0.55 else (1.0, 1.0, 1.0))
    return off, dfn
