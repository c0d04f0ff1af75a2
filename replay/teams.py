"""Team codes: one canonical abbreviation per franchise, whatever the release or season calls it."""

from __future__ import annotations

# BDB 2020 PossessionTeam/FieldPosition codes, relocations, and NGS/GameCenter variants.
ALIASES = {
    "ARZ": "ARI", "BLT": "BAL", "CLV": "CLE", "HST": "HOU",
    "LAR": "LA", "STL": "LA", "SD": "LAC", "OAK": "LV", "JAC": "JAX", "WSH": "WAS",
}


def canonical_team(code: object) -> str:
    """'ARZ' -> 'ARI', 'OAK' -> 'LV', ' kc ' -> 'KC'; empty string for missing values."""
    if code is None:
        return ""
    s = str(code).strip().upper()
    if s in ("", "NAN", "NA", "NONE"):
        return ""
    return ALIASES.get(s, s)


def same_team(a: object, b: object) -> bool:
    ca, cb = canonical_team(a), canonical_team(b)
    return bool(ca) and ca == cb
