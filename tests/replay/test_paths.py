"""Names made from data are one safe file-name component and never lead outside their folder."""

from __future__ import annotations

import pytest

from replay.errors import InputError
from replay.paths import MAX_NAME, child, safe_name


@pytest.mark.parametrize("text", ["..", "../../etc/passwd", "/etc/passwd", "a/../../b", "x\x00y", "C:\\evil",
                                  ".hidden", "-rf", "~root", "é" * 50, "a" * 10_000, "", "   ", "...", "a/..",
                                  "1/../../../X", "\n", "..\\..\\x"])
def test_safe_name_is_one_plain_component(text):
    name = safe_name(text)
    assert name and "/" not in name and "\\" not in name and "\x00" not in name
    assert name not in (".", "..") and not name.startswith((".", "-")) and ".." not in name
    assert len(name) <= MAX_NAME and name.isascii()


def test_safe_name_keeps_ordinary_names():
    assert safe_name("rep12_gaze.png") == "rep12_gaze.png"
    assert safe_name("builtin") == "builtin"
    assert safe_name("2018092311_141.qbplay") == "2018092311_141.qbplay"


@pytest.mark.parametrize("text", ["1/../../../X", "/abs/path", "..", "a\x00b", "z" * 5000])
def test_child_stays_in_its_folder(tmp_path, text):
    p = child(tmp_path / "out", text)
    assert p.parent == tmp_path / "out"
    p.parent.mkdir()
    p.write_bytes(b"x")  # a real, writable name (not too long, no NUL)
    assert [q.name for q in (tmp_path / "out").iterdir()] == [p.name]


def test_child_refuses_a_symlinked_escape(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out" / "rep1.png").symlink_to(tmp_path / "elsewhere" / "rep1.png")
    with pytest.raises(InputError, match="not inside"):
        child(tmp_path / "out", "rep1.png")


def test_long_name_keeps_its_extension():
    name = safe_name("z" * 5000 + "_cp.png")
    assert name.endswith("_cp.png") is False and name.endswith(".png") and len(name) == MAX_NAME
