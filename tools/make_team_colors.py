"""Maintainer script: build the shipped team colour table `assets/team_colors.json` from a team colour TSV.

The engine never reads the shared data at run time; it ships this JSON instead. Re-run after the source changes:

    .venv/bin/python tools/make_team_colors.py ../shared/data/ngs_highlights/team_colors.tsv

Input columns: `teams`, `color1` (primary, '#RRGGBB'), `color1_family`, `color2` (secondary). Team codes are
canonicalised (OAK -> LV, ...); a canonical code keeps its own row when both spellings are present.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from replay.atomic import write_atomic  # noqa: E402
from replay.errors import InputError  # noqa: E402
from replay.teams import canonical_team  # noqa: E402

HEX = re.compile(r"#[0-9a-fA-F]{6}")


def read_table(path: Path) -> dict[str, dict[str, str]]:
    teams: dict[str, dict[str, str]] = {}
    with open(path, newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        for col in ("teams", "color1", "color2"):
            if col not in (reader.fieldnames or []):
                raise InputError(path, f"missing column {col!r}", line=1, expected="teams, color1, color2")
        for line, row in enumerate(reader, start=2):
            code = row["teams"].strip().upper()
            for col in ("color1", "color2"):
                if not HEX.fullmatch(row[col].strip()):
                    raise InputError(path, f"bad colour {row[col]!r}", line=line, column=col, expected="#RRGGBB")
            entry = {"primary": row["color1"].strip().upper(), "secondary": row["color2"].strip().upper()}
            canon = canonical_team(code)
            if canon == code or canon not in teams:
                teams[canon] = entry
    return dict(sorted(teams.items()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tsv", type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "assets" / "team_colors.json")
    args = ap.parse_args()
    teams = read_table(args.tsv)
    doc = {"source": "NGS team_colors.tsv (color1 = primary, color2 = secondary)", "teams": teams}
    write_atomic(args.out, (json.dumps(doc, indent=1) + "\n").encode())
    print(f"wrote {len(teams)} teams to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
