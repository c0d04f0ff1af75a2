"""Athletes and their sessions. An athlete is a name in `athletes.json` of the user data directory
(`$QBVR_ATHLETES`, else `$XDG_DATA_HOME/qbvr/athletes`); a session belongs to one when its directory holds
`athlete.json` (written by `qbvr train --athlete NAME`). Sessions are found under the sessions directory
(`$QBVR_SESSIONS`, else `$XDG_DATA_HOME/qbvr/sessions`) by their `summary.json`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from replay.atomic import write_atomic
from replay.errors import QbvrError
from replay.store import user_data_dir

FORMAT = "qbvr-athletes"
ATHLETE_FILE = "athlete.json"
NAME = re.compile(r"^[^\x00-\x1f/\\]{1,64}$")


def athletes_file() -> Path:
    return user_data_dir("QBVR_ATHLETES", "athletes") / "athletes.json"


def check_name(name: str) -> str:
    name = " ".join(str(name).split())
    if not NAME.match(name):
        raise QbvrError(f"athlete name {name!r}: expected 1-64 characters, no slashes or control characters")
    return name


def read_athletes() -> dict[str, dict[str, Any]]:
    """Name -> record; a damaged file is an error naming it (it is never overwritten silently)."""
    path = athletes_file()
    if not path.exists():
        return {}
    try:
        doc = json.loads(path.read_text())
        if doc.get("format") != FORMAT or not isinstance(doc.get("athletes"), dict):
            raise ValueError(f"not a {FORMAT} file")
        return doc["athletes"]
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise QbvrError(f"{path}: cannot read the athletes ({e}); fix or move the file") from None


def registered_name(name: str) -> str:
    """The spelling already registered for `name` (names match case-insensitively), else `name` checked."""
    name = check_name(name)
    return next((k for k in read_athletes() if k.lower() == name.lower()), name)


def add_athlete(name: str) -> bool:
    """Register `name` (True when new; names match case-insensitively)."""
    name = check_name(name)
    known = read_athletes()
    if any(k.lower() == name.lower() for k in known):
        return False
    known[name] = {"created": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    write_atomic(athletes_file(), json.dumps({"format": FORMAT, "version": 1, "athletes": known}, indent=1).encode())
    return True


def known_athlete(name: str) -> str:
    """The registered name matching `name` (case-insensitive), else an error listing the athletes."""
    known = read_athletes()
    want = " ".join(str(name).split()).lower()
    for k in known:
        if k.lower() == want:
            return k
    raise QbvrError(f"unknown athlete {name!r}; known: {', '.join(sorted(known)) or 'none yet'} "
                    "(an athlete is added by `qbvr train ... --athlete NAME`)")


def tag_session(directory: Path, name: str) -> None:
    """Mark a session directory as the athlete's."""
    write_atomic(Path(directory) / ATHLETE_FILE, json.dumps({"athlete": check_name(name)}).encode())


@dataclass
class SessionInfo:
    directory: Path
    athlete: str | None
    summary: dict[str, Any]

    @property
    def started(self) -> str:
        return str(self.summary.get("started") or "")

    def row(self) -> dict[str, Any]:
        t = self.summary.get("totals") or {}
        return {"session": self.directory.name, "path": str(self.directory), "athlete": self.athlete,
                "started": self.started, "target": self.summary.get("target"),
                "complete": self.summary.get("complete"), **{k: t.get(k) for k in (
                    "reps", "throws", "best_choice", "sacks", "mean_decision_t", "mean_cp_chosen", "mean_quality",
                    "mean_downfield_share", "mean_reads")}}


def find_sessions(root: Path, athlete: str | None = None) -> list[SessionInfo]:
    """Sessions under `root` (by `summary.json`), oldest first, only `athlete`'s when given."""
    out = []
    for summ in sorted(Path(root).glob("*/summary.json")):
        d = summ.parent
        try:
            summary = json.loads(summ.read_text())
        except (OSError, UnicodeDecodeError, ValueError):
            continue  # a session killed before its summary: `qbvr report` recovers it
        who = None
        try:
            who = json.loads((d / ATHLETE_FILE).read_text()).get("athlete")
        except (OSError, UnicodeDecodeError, ValueError, AttributeError):
            pass
        if athlete is None or (who or "").lower() == athlete.lower():
            out.append(SessionInfo(d, who, summary))
    return sorted(out, key=lambda s: (s.started, s.directory.name))
