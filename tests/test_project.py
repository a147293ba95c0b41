from __future__ import annotations

import os
import pathlib

import pytest

from deploy_check.project import MAX_AST_DEPTH
from deploy_check.project import MAX_READ_BYTES
from deploy_check.project import Project


def test_read_text_and_lines(tmp_path: pathlib.Path) -> None:
    (tmp_path / "a.py").write_bytes(b"\xef\xbb\xbfx = 1\r\ny = 2\r\n")
    project = Project(str(tmp_path))
    assert project.lines("a.py") == ["x = 1", "y = 2"]
    assert project.line("a.py", 2) == "y = 2"
    assert project.line("a.py", 3) is None
    assert project.has("a.py") and not project.has("b.py")


@pytest.mark.parametrize(
    "content",
    [b"\x00\x01\x02", b"caf\xe9 = 1\n", b"\xff\xfe"],
)
def test_binary_and_non_utf8_are_none(tmp_path: pathlib.Path, content: bytes) -> None:
    (tmp_path / "a.py").write_bytes(content)
    project = Project(str(tmp_path))
    assert project.read_text("a.py") is None
    assert project.lines("a.py") == []
    parsed = project.python("a.py")
    assert parsed.tree is None and parsed.error
    assert list(project.parsed_python()) == []


def test_big_file_not_read(tmp_path: pathlib.Path) -> None:
    with open(tmp_path / "big.py", "wb") as handle:
        handle.truncate(MAX_READ_BYTES + 1)
    assert Project(str(tmp_path)).read_bytes("big.py") is None


def test_escaping_symlink_never_read(tmp_path: pathlib.Path) -> None:
    os.symlink("/etc/passwd", tmp_path / "passwd")
    project = Project(str(tmp_path))
    assert project.read_bytes("passwd") is None
    assert project.read_text("passwd") is None


@pytest.mark.parametrize(
    ("source", "parses"),
    [
        ("x = " + "(" * 200_000, False),  # tokenizer limit
        ("x = " + "-" * 100_000 + "1\n", False),  # parser recursion
        ("x = " + "[" * 1000 + "]" * 1000 + "\n", False),
        ("x = " + "-" * (MAX_AST_DEPTH + 10) + "1\n", False),  # parses, too deep to visit
        ("x = " + " + ".join(["1"] * 150) + "\n", True),  # a long but legitimate chain
        ("def f():\n    return 1\n", True),
    ],
)
def test_deep_python(tmp_path: pathlib.Path, source: str, parses: bool) -> None:
    (tmp_path / "a.py").write_text(source)
    parsed = Project(str(tmp_path)).python("a.py")
    assert parsed.parses == parses  # (a recovered tree may stand in for the rest of the module)
    if not parses:
        assert parsed.error and parsed.line is not None


def test_memo_computes_once(tmp_path: pathlib.Path) -> None:
    project = Project(str(tmp_path))
    calls = []
    assert project.memo("k", lambda: calls.append(1) or 5) == 5
    assert project.memo("k", lambda: calls.append(1) or 6) == 5
    assert calls == [1]
