"""Colours of the scene: team jerseys from the shipped table (`assets/team_colors.json`), field and kit colours.

Colours are linear-free sRGB floats in 0..1 (the renderer writes them to an 8-bit sRGB buffer unchanged), so a
team's jersey pixel under full light is its published colour.
"""

from __future__ import annotations

import json
import math
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
AWAY_WHITE = (0.95, 0.95, 0.95)
DARK = 0.3  # a kit whose brightest channel is below this reads as black from afar
BALL = (0.45, 0.23, 0.10)
# The sun's direction (toward it, unit): baked into static scenery, lit on figures, casts the shadows.
SUN = tuple(c / math.hypot(0.35, -0.45, 0.82) for c in (0.35, -0.45, 0.82))
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
        for entry in teams.values():
            hex_rgb(entry["primary"]), hex_rgb(entry["secondary"])
    except (OSError, ValueError, KeyError, TypeError, IndexError) as e:
        raise InputError(path, f"unreadable team colour table: {e}", expected="JSON {'teams': {CODE: "
                         "{'primary': '#RRGGBB', 'secondary': '#RRGGBB'}}}") from None
    return teams


@dataclass(frozen=True)
class Kit:
    """What one team wears: jersey and helmet in the primary colour, trim in the secondary."""

    team: str
    primary: RGB  # the jersey as drawn
    secondary: RGB
    number: RGB  # jersey number colour, chosen to contrast with the jersey
    helmet_color: RGB | None = None

    @property
    def helmet(self) -> RGB:
        return self.helmet_color or self.primary


def _number_color(jersey: RGB) -> RGB:
    return (0.05, 0.05, 0.08) if luminance(jersey) > 0.55 else (1.0, 1.0, 1.0)


def _lifted(c: RGB) -> RGB:
    """Pure black shades to a silhouette: lift the darkest kits just enough for the shading to read."""
    m = max(c)
    return c if m >= 0.07 else tuple(v + (0.07 - m) for v in c)  # type: ignore[return-value]


def team_kit(team: str | None, fallback: int = 0) -> Kit:
    """The kit of `team` (any spelling qbvr knows), or fallback kit 0/1 when the table lacks it."""
    code = canonical_team(team)
    entry = team_table().get(code) or FALLBACK[fallback % 2]
    primary, secondary = _lifted(hex_rgb(entry["primary"])), hex_rgb(entry["secondary"])
    return Kit(code or f"team{fallback}", primary, secondary, _number_color(primary))


HUE_TOL = 25.0 / 360.0  # hue difference under which two saturated jerseys look like one team


def look_alike(a: RGB, b: RGB, *, shade: tuple[float, float] = (0.55, 1.0), tol: float = 0.12) -> bool:
    """True when `a` can pass for `b` somewhere in the shading range (navy in light vs royal blue in shadow)."""
    import numpy as np
    va, vb = np.asarray(a, float), np.asarray(b, float)
    ks = np.linspace(shade[0], shade[1], 12)
    d1 = min(np.linalg.norm(va - k * vb) for k in ks)
    d2 = min(np.linalg.norm(vb - k * va) for k in ks)
    if min(d1, d2) < tol:
        return True
    # Two saturated colours of nearly the same hue (KC red vs SF red) read as one team on small figures.
    import colorsys
    ha, sa, _ = colorsys.rgb_to_hsv(*a)
    hb, sb, _ = colorsys.rgb_to_hsv(*b)
    dh = abs(ha - hb) % 1.0
    return sa > 0.4 and sb > 0.4 and min(dh, 1.0 - dh) < HUE_TOL


def play_kits(offense: str | None, defense: str | None) -> tuple[Kit, Kit]:
    """Kits of both teams. When the two jerseys would look alike under shading, or both are so dark that small
    distant figures read as black (dark green vs navy), the defense wears white with its colour on helmet and
    numbers, as away teams do."""
    off, dfn = team_kit(offense, 0), team_kit(defense, 1)
    both_dark = max(off.primary) < DARK and max(dfn.primary) < DARK
    if both_dark or look_alike(off.primary, dfn.primary):
        dfn = Kit(dfn.team, AWAY_WHITE, dfn.primary, dfn.primary, helmet_color=dfn.primary)
    return off, dfn
