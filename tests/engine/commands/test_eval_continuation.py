"""`qbvr eval continuation`: the JSON shape, and clear errors on bad arguments."""

import json

from engine.cli import main
from replay.continuation.params import PARAMS_PATH


def test_eval_continuation_json_has_the_documented_shape(real_store, capsys):
    assert main(["eval", "continuation", "--store", str(real_store.root), "--horizon", "1.0", "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert set(rep) == {"horizon_s", "plays", "ade", "fde", "sack_rate_by_hold", "ball_in_air_rmse"}
    assert rep["horizon_s"] == 1.0 and rep["plays"] > 100
    for k in ("ade", "fde"):
        assert set(rep[k]) == {"rushers", "receivers", "coverage"}
        assert all(set(v) == {"model", "constant_velocity"} for v in rep[k].values())
    assert list(rep["sack_rate_by_hold"]) == ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5"]
    assert set(rep["ball_in_air_rmse"]) == {"model", "constant_velocity"}


def test_eval_continuation_text_output_names_the_roles(real_store, capsys):
    assert main(["eval", "continuation", "--store", str(real_store.root), "--horizon", "0.5",
                 "--params", str(PARAMS_PATH)]) == 0
    out = capsys.readouterr().out
    assert "rushers" in out and "sack rate" in out and "as given" in out


def test_eval_continuation_rejects_a_horizon_beyond_the_plan(tmp_path, capsys):
    assert main(["eval", "continuation", "--store", str(tmp_path), "--horizon", "9"]) == 2
    assert "outside 0.1-3.0 s" in capsys.readouterr().err


def test_eval_continuation_on_an_empty_store_says_so(tmp_path, capsys):
    assert main(["eval", "continuation", "--store", str(tmp_path)]) == 2
    assert "no pass plays" in capsys.readouterr().err
