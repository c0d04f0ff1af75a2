"""`qbvr drill`: new (from plays or play-finder filters), add with options, remove, show, list, check, export,
import; every bad key or value a one-line error naming it; the drill file never half-changed."""

from __future__ import annotations

import json

import pytest

from engine.cli import main
from engine.training.launch import plans_for


@pytest.fixture
def drills(tmp_path, monkeypatch):
    d = tmp_path / "drills"
    monkeypatch.setenv("QBVR_DRILLS", str(d))
    return d


def _run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.shared_data
def test_drill_from_filters_with_a_mirrored_and_a_slowed_play(capsys, drills, real_store):
    st = ("--store", str(real_store.root))
    code, out, err = _run(capsys, "drill", "new", "blitz", "--rushers", "5+", "--ttt", "-2.5", "--limit", "3", *st)
    assert code == 0, err
    doc = json.loads((drills / "blitz.json").read_text())
    assert doc["version"] == 2 and len(doc["plays"]) == 3
    code, out, err = _run(capsys, "plays", "--rushers", "5+", "--ttt", "-2.5", "--json", *st)
    assert [p["play"] for p in doc["plays"]] == [r["key"] for r in json.loads(out)][:3]
    assert _run(capsys, "drill", "add", "blitz", "2018092311:141", "--mirror", "--reps", "2", *st)[0] == 0
    assert _run(capsys, "drill", "add", "blitz", "2018092311:141", "--speed", "0.5", "--to", "pass_arrived",
                "--from", "-1.5", *st)[0] == 0
    code, out, _ = _run(capsys, "drill", "check", "blitz", *st)
    assert code == 0 and "all 5 plays" in out
    plans = plans_for("blitz", str(real_store.root))
    assert len(plans) == 6  # 3 + the mirrored play twice + the slowed one
    mirrored, slowed = plans[3], plans[5]
    assert mirrored.ref == "2018092311:141@mirror" and "deep right" in mirrored.play.meta.description
    assert slowed.ref.startswith("2018092311:141@speed=0.5,to=")
    assert slowed.lead_s == pytest.approx(3.0)  # 1.5 s before the snap at half speed
    code, out, _ = _run(capsys, "drill", "show", "blitz", "--json")
    assert json.loads(out)["plays"][3] == {"play": "2018092311:141", "reps": 2, "mirror": True}


@pytest.mark.parametrize("argv,says", [
    (("add", "d", "2018092311:141", "--speed", "2"), "plays[1].speed is 2.0 (expected a number from 0.5 to 1.5)"),
    (("add", "d", "2018092311:141", "--reps", "0"), "plays[1].reps is 0"),
    (("add", "d", "2018092311:141", "--lead", "30"), "plays[1].lead_s is 30.0"),
    (("add", "d", "nonsense"), "plays[1].play is 'nonsense'"),
    (("show", "nope"), "no such drill"),
    (("remove", "d", "5"), "has plays 1-1, not 5"),
    (("new", "d", "synthetic:cover3_smash"), "exists; use --force"),
    (("new", "bad name!", "synthetic:cover3_smash"), "drill name 'bad name!'"),
    (("new", "e", "--shell", "4"), "--shell '4' is not one of"),
])
def test_bad_drill_values_are_one_line_errors_and_change_nothing(capsys, drills, tmp_path, argv, says):
    assert _run(capsys, "drill", "new", "d", "synthetic:cover3_smash", "--store", str(tmp_path))[0] == 0
    before = (drills / "d.json").read_bytes()
    code, _, err = _run(capsys, "drill", *argv, *(("--store", str(tmp_path)) if argv[0] in ("add", "new") else ()))
    assert code == 2 and says in err and len(err.strip().splitlines()) == 1, err
    assert (drills / "d.json").read_bytes() == before


@pytest.mark.parametrize("key,value,says", [
    ("mirror", None, "unknown key 'plays[0].mirror' (drill format version 1)"),
    ("speeed", 0.8, "unknown key 'plays[0].speeed'"),
    ("mirror", "yes", "plays[0].mirror is 'yes'"),
    ("from", "no such thing", "plays[0].from is 'no such thing'"),
])
def test_import_rejects_unknown_keys_and_values(capsys, drills, tmp_path, key, value, says):
    doc = {"format": "qbvr-drill", "version": 1 if value is None else 2, "name": "x",
           "plays": [{"play": "synthetic:cover3_smash", key: True if value is None else value}]}
    f = tmp_path / "x.json"
    f.write_text(json.dumps(doc))
    code, _, err = _run(capsys, "drill", "import", str(f))
    assert code == 2 and says in err and not (drills / "x.json").exists()


def test_export_import_round_trip_and_list(capsys, drills, tmp_path):
    assert _run(capsys, "drill", "new", "a", "synthetic:cover3_smash", "synthetic:cover1_blitz", "--order",
                "shuffle", "--title", "Two")[0] == 0
    out_file = tmp_path / "a.json"
    assert _run(capsys, "drill", "export", "a", str(out_file))[0] == 0
    assert _run(capsys, "drill", "import", str(out_file), "--name", "b")[0] == 0
    a, b = (json.loads((drills / f"{n}.json").read_text()) for n in "ab")
    assert {**a, "name": "b"} == b and a["order"] == "shuffle"
    code, out, _ = _run(capsys, "drill", "list")
    assert "a " in out and "b " in out and "builtin" in out
    assert _run(capsys, "drill", "remove", "a", "synthetic:cover3_smash")[0] == 0
    assert [p["play"] for p in json.loads((drills / "a.json").read_text())["plays"]] == ["synthetic:cover1_blitz"]


@pytest.mark.shared_data
def test_check_names_every_play_that_cannot_be_trained(capsys, drills, real_store, tmp_path):
    doc = {"format": "qbvr-drill", "version": 2, "name": "c", "plays": [
        {"play": "2018092311:141", "to": "qb_sack"}, {"play": "2099010100:7"}, {"play": "2018092311:141"}]}
    (drills).mkdir()
    (drills / "c.json").write_text(json.dumps(doc))
    code, out, _ = _run(capsys, "drill", "check", "c", "--store", str(real_store.root))
    assert code == 1 and "2 of 3 plays cannot be trained" in out
    assert "no event 'qb_sack'" in out and "2099010100:7 is not in the store" in out
