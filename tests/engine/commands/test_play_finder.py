"""`qbvr plays` filters on the situational index: every filter lists exactly the index rows that match it (the
expected rows computed here, independently of the finder), output as table, JSON and CSV, and unknown values
are one-line errors listing the valid ones."""

from __future__ import annotations

import csv
import io
import json

import pytest

from engine.cli import main
from replay.index import read_index, update_index


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _keys(capsys, store, *argv) -> set[str]:
    code, out, err = _run(capsys, "plays", "--store", str(store.root), "--json", *argv)
    assert code == 0, err
    return {r["key"] for r in json.loads(out)}


@pytest.fixture(scope="module")
def rows(real_store):
    update_index(real_store)
    rows = read_index(real_store)
    assert len(rows) == len(real_store.keys())
    return rows


def _where(rows, pred) -> set[str]:
    return {r["key"] for r in rows if pred(r)}


def _num(r, c, lo=float("-inf"), hi=float("inf")):
    return r.get(c) is not None and lo <= r[c] <= hi


CASES = [
    (("--offense", "kc"), lambda r: r["offense"] == "KC"),
    (("--defense", "NE"), lambda r: r["defense"] == "NE"),
    (("--season", "2018"), lambda r: r["season"] == 2018),
    (("--week", "1-4"), lambda r: _num(r, "week", 1, 4)),
    (("--quarter", "4"), lambda r: r["quarter"] == 4),
    (("--down", "3+"), lambda r: _num(r, "down", 3)),
    (("--distance", "-3"), lambda r: _num(r, "distance", hi=3)),
    (("--rushers", "5+"), lambda r: _num(r, "rushers", 5)),
    (("--blitz",), lambda r: r["blitz"] is True),
    (("--ttt", "-2.5"), lambda r: _num(r, "time_to_throw", hi=2.5)),
    (("--ttt", "2.5-4"), lambda r: _num(r, "time_to_throw", 2.5, 4)),
    (("--pressure", "yes"), lambda r: r["pressure"] is True),
    (("--pressure", "no"), lambda r: r["pressure"] is False),
    (("--shell", "2"), lambda r: r["shell"] == 2),
    (("--shell", "0"), lambda r: r["shell"] == 0),
    (("--coverage", "man"), lambda r: r["coverage"] == "man"),
    (("--result", "IN"), lambda r: r["result"] == "IN"),
    (("--formation", "under_center"), lambda r: r["formation"] == "under_center"),
]


@pytest.mark.shared_data
@pytest.mark.parametrize("argv,pred", CASES, ids=[" ".join(a) for a, _ in CASES])
def test_each_filter_lists_exactly_the_matching_index_rows(capsys, real_store, rows, argv, pred):
    assert _keys(capsys, real_store, *argv) == _where(rows, pred)


@pytest.mark.shared_data
def test_five_man_rush_ball_out_under_two_and_a_half_seconds(capsys, real_store, rows):
    want = _where(rows, lambda r: _num(r, "rushers", 5) and _num(r, "time_to_throw", hi=2.5))
    code, out, _ = _run(capsys, "plays", "--store", str(real_store.root), "--rushers", "5+", "--ttt", "-2.5", "--json")
    got = json.loads(out)
    assert code == 0 and {r["key"] for r in got} == want and len(want) >= 10
    for r in got:  # the index fields under their names, plus the store summary
        assert r["rushers"] >= 5 and r["blitz"] and r["time_to_throw"] <= 2.5 and r["dropback"] is True
        for k in ("time_to_pressure", "pressure", "sack", "shell", "coverage", "formation", "air_yards",
                  "target_position", "description", "offense_team", "season", "n_frames"):
            assert k in r
    print(f"\n{len(want)} plays with 5+ rushers and the ball out within 2.5 s")


@pytest.mark.shared_data
def test_sort_limit_table_and_csv(capsys, real_store, rows):
    code, out, _ = _run(capsys, "plays", "--store", str(real_store.root), "--dropbacks", "--sort", "air_yards",
                        "--desc", "--limit", "5", "--csv")
    got = list(csv.DictReader(io.StringIO(out)))
    airs = [float(r["air_yards"]) for r in got]
    best = sorted((r["air_yards"] for r in rows if r["dropback"] and r["air_yards"] is not None), reverse=True)[:5]
    assert code == 0 and airs == best
    code, out, _ = _run(capsys, "plays", "--store", str(real_store.root), "--offense", "KC", "--rushers", "4")
    assert code == 0 and out.strip().endswith("plays")
    for line in out.splitlines()[1:-1]:
        assert " KC " in line.split("  (")[0]


@pytest.mark.parametrize("argv,says", [
    (("--shell", "3"), "--shell '3' is not one of: 0, 1, 2"),
    (("--coverage", "cover2"), "is not one of: man, zone"),
    (("--result", "X"), "is not one of: C, I, IN, S, R"),
    (("--formation", "wildcat"), "shotgun, under_center, pistol"),
    (("--rushers", "five"), "expected a number or a range"),
    (("--ttt", "4-2"), "runs backwards"),
    (("--pressure", "maybe"), "is not one of: yes, no"),
    (("--sort", "speed"), "not a field; valid:"),
])
def test_unknown_filter_values_are_one_line_errors_listing_the_valid_ones(capsys, tmp_path, argv, says):
    code, out, err = _run(capsys, "plays", "--store", str(tmp_path), *argv)
    assert code == 2 and says in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.shared_data
def test_unknown_team_lists_the_stores_teams(capsys, real_store, rows):
    code, _, err = _run(capsys, "plays", "--store", str(real_store.root), "--offense", "XYZ")
    assert code == 2 and "not a team in the store" in err and "KC" in err
