"""Odd option values and output paths are one usage error, never a traceback deep in a command."""

from __future__ import annotations

import errno

import pytest
from conftest import make_play

from engine import cli
from engine.app import resolve_time
from engine.cli import main
from replay.errors import QbvrError
from replay.store import PlayStore


@pytest.fixture
def store(tmp_path):
    s = PlayStore(tmp_path / "store")
    s.save(make_play())
    return s


def _usage_error(argv, capsys) -> str:
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


@pytest.mark.parametrize("argv, says", [
    (["review", "1:1", "--frames", "F", "--fps", "0"], "not a positive number"),
    (["review", "1:1", "--frames", "F", "--fps", "nan"], "not a finite number"),
    (["review", "1:1", "--frames", "F", "--fps", "abc"], "not a number"),
    (["train", "1:1", "--fps", "0"], "not a positive number"),
    (["train", "1:1", "--fps=-inf"], "not a finite number"),
    (["train", "1:1", "--lead", "nan"], "not a finite number"),
    (["train", "1:1", "--lead", "-2"], "negative"),
    (["skeleton", "1:1", "--out", "x.npz", "--fps", "0"], "not a positive number"),
    (["cp", "timeline", "1:1", "--step", "0"], "not a positive number"),
])
def test_bad_numbers_are_usage_errors(argv, says, capsys):
    assert says in _usage_error(argv, capsys)


def test_out_of_the_wrong_kind_is_a_usage_error(tmp_path, capsys):
    a_file = tmp_path / "afile"
    a_file.write_text("x")
    assert "is a directory" in _usage_error(["review", "1:1", "--screenshot", str(tmp_path)], capsys)
    assert "not a directory" in _usage_error(["review", "1:1", "--frames", str(a_file)], capsys)
    assert "not a directory" in _usage_error(["train", "1:1", "--out", str(a_file)], capsys)
    assert "not a directory" in _usage_error(["report", str(tmp_path), "--out", str(a_file)], capsys)
    assert "is a file" in _usage_error(["skeleton", "1:1", "--out", str(a_file / "x.npz")], capsys)
    assert "is a directory" in _usage_error(["cp", "timeline", "1:1", "--plot", str(tmp_path)], capsys)


@pytest.mark.parametrize("at", ["nan", "inf", "-inf", float("nan")])
def test_non_finite_time_is_a_clear_error(tiny_play, at):
    with pytest.raises(QbvrError, match="not a finite number"):
        resolve_time(tiny_play, at)


def test_review_at_nan_through_the_cli(store, tmp_path, capsys):
    code = main(["review", "2099010100:1", "--at", "nan", "--screenshot", str(tmp_path / "a.png"),
                 "--store", str(store.root), "--display", "offscreen"])
    err = capsys.readouterr().err
    assert code == 2 and "not a finite number" in err and "Traceback" not in err


def test_store_that_is_a_file_is_reported(tmp_path, capsys):
    (tmp_path / "f").write_text("x")
    assert main(["plays", "--store", str(tmp_path / "f")]) == 2
    err = capsys.readouterr().err
    assert "not a directory" in err.lower() and err.count("\n") == 1


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EISDIR])
def test_any_file_system_error_is_one_line(monkeypatch, capsys, code):
    def boom(args):
        raise OSError(code, __import__("os").strerror(code), "/some/file")

    monkeypatch.setattr(cli, "build_parser", lambda: _parser_with(boom))
    assert main(["x"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("qbvr: error: /some/file:")


def _parser_with(func):
    import argparse
    p = argparse.ArgumentParser()
    p.add_argument("x")
    p.set_defaults(func=func)
    return p
