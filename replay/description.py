"""Reading the play-by-play description: the targeted receiver when no column names him."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from .play import Play

_TARGET = re.compile(
    r"pass(?:\s+incomplete)?(?:\s+(?:short|deep))?(?:\s+(?:left|middle|right))?\s+"
    r"(?:to|intended\s+for)\s+(?P<name>[A-Z][A-Za-z']*\.(?:[A-Z]\.)?\s?[A-Za-z'\-\. ]+?)"
    r"(?=\s+(?:to|for|pushed|ran|INTERCEPTED|is|\[|\(|at|caught|up|\.$)|[\.,\[(]|$)"
)


_PASSER = re.compile(r"(?P<name>[A-Z][A-Za-z']*\.(?:[A-Z]\.)?\s?[A-Za-z'\-]+)\s+pass\b")


def passer_name(description: str) -> str | None:
    """'(Shotgun) D.Prescott pass short middle to ...' -> 'D.Prescott'; None when no passer is named."""
    m = _PASSER.search(description or "")
    return m.group("name") if m else None


def target_name(description: str) -> str | None:
    """'... pass short right to C.Lamb to DAL 27 ...' -> 'C.Lamb'; None when no receiver is named."""
    m = _TARGET.search(description or "")
    if not m:
        return None
    return m.group("name").strip().rstrip(".")


def _norm(s: str) -> str:
    return re.sub(r"[^a-z]", "", s.lower())


def match_player(abbrev: str, names: np.ndarray, candidates: np.ndarray | None = None) -> int | None:
    """Index into `names` of the player 'C.Lamb' / 'Ced.Wilson' abbreviates, when exactly one matches."""
    if "." not in abbrev:
        return None
    abbrev = re.sub(r"\s+(?:jr|sr|ii|iii|iv|v)\.?$", "", abbrev.strip(), flags=re.I)
    first, last = abbrev.rsplit(".", 1) if abbrev.count(".") > 1 else abbrev.split(".", 1)
    first, last = _norm(first), _norm(last)
    hits = []
    for i, full in enumerate(names.tolist()):
        if candidates is not None and not candidates[i]:
            continue
        parts = str(full or "").split(" ", 1)
        if len(parts) != 2:
            continue
        if _norm(parts[1]) == last and _norm(parts[0]).startswith(first):
            hits.append(i)
    if len(hits) != 1:
        # Suffixes (Jr., III) and hyphenated names: compare on the start of the last name.
        hits = [i for i, full in enumerate(names.tolist())
                if (candidates is None or candidates[i]) and len(str(full).split(" ", 1)) == 2
                and _norm(str(full).split(" ", 1)[1]).startswith(last) and _norm(str(full))[:1] == first[:1]]
    return hits[0] if len(hits) == 1 else None


def set_target_from_description(play: Play) -> None:
    """The targeted receiver named in the description ("pass short right to C.Lamb"), matched to the offense."""
    if play.meta.target_nfl_id is not None or play.meta.play_type not in ("pass", "sack"):
        return
    name = target_name(play.meta.description)
    if not name:
        return
    i = match_player(name, play.roster.name, play.roster.side == "off")
    if i is not None:
        play.meta = replace(play.meta, target_nfl_id=int(play.roster.nfl_id[i]))
    else:
        play.flags["target_unmatched"] = f"description names {name!r}, no unique match in the offense"
