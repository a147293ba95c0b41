"""The real CLI on hostile repositories: findings or one line on stderr, never a traceback."""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
from collections.abc import Callable

import pytest

from tests.conftest import EXAMPLE

PASSWD = pathlib.Path("/etc/passwd").read_text(errors="replace").splitlines()[0]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deploy_check", *args],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "DEPLOY_CHECK_DEBUG": ""},
    )


def _copy_example(repo: pathlib.Path) -> None:
    for source in EXAMPLE.rglob("*"):
        if source.is_file():
            target = repo / source.relative_to(EXAMPLE)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())


def _binary_files(repo: pathlib.Path) -> None:
    (repo / "app.py").write_bytes(b"\x00\x01\x02\xff" * 100)
    (repo / "requirements.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (repo / "Dockerfile").write_bytes(b"\x7fELF\x02\x01\x01\x00" * 50)


def _non_utf8(repo: pathlib.Path) -> None:
    (repo / "app.py").write_bytes("from flask import Flask\napp = Flask('caf\xe9')\n".encode("latin-1"))
    (repo / "requirements.txt").write_bytes("flask\ngunicorn\n# r\xe9sum\xe9\n".encode("latin-1"))
    (repo / "Dockerfile").write_bytes("FROM python:3.12-slim\n# \xe9\n".encode("latin-1"))
    (repo / "utf16.py").write_bytes("x = 1\n".encode("utf-16"))


def _huge(repo: pathlib.Path) -> None:
    with open(repo / "app.py", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    (repo / "requirements.txt").write_bytes(b"flask\n" * (9 * 1024 * 1024 // 6))


def _deep_tree(repo: pathlib.Path) -> None:
    deep = repo
    for _ in range(300):
        deep = deep / "d"
    deep.mkdir(parents=True)
    (deep / "x.py").write_text("SECRET_KEY = 'deep'\n")


def _parser_bombs(repo: pathlib.Path) -> None:
    (repo / "parens.py").write_text("x = " + "(" * 200_000)
    (repo / "minus.py").write_text("x = " + "-" * 100_000 + "1\n")
    (repo / "brackets.py").write_text("x = " + "[" * 1000 + "]" * 1000 + "\n")
    # parses, but a recursive visitor would blow the stack on it
    (repo / "app.py").write_text(
        "from flask import Flask\napp = Flask(__name__)\nx = " + "-" * 900 + "1\n"
        "y = " + "not " * 900 + "True\n" + "z = " + "f(" * 180 + ")" * 180 + "\n"
    )


def _empty_dockerfile(repo: pathlib.Path) -> None:
    (repo / "Dockerfile").write_text("# nothing here\n\n")
    (repo / "requirements.txt").write_text("")
    (repo / "app.py").write_text("")


def _links(repo: pathlib.Path) -> None:
    os.symlink("loop", repo / "loop")
    os.symlink("a", repo / "b")
    os.symlink("b", repo / "a")
    os.symlink("/etc/passwd", repo / "app.py")
    os.symlink("/etc/passwd", repo / "requirements.txt")
    os.symlink("/etc", repo / "etc")
    os.symlink("/etc/passwd", repo / "Dockerfile")
    os.symlink(".", repo / "self")


def _special(repo: pathlib.Path) -> None:
    os.mkfifo(repo / "app.py")
    os.mkfifo(repo / "requirements.txt")


def _odd_names(repo: pathlib.Path) -> None:
    for name in ("new\nline.py", "tab\there.py", "100%.py", "a::b.py", "%0A::error::x.py",
                 "esc\x1b[31mred.py", "cr\rname.txt", " space .py", "-rf.py"):
        (repo / name).write_text("SECRET_KEY = 'abc'\n")
    (repo / os.fsdecode(b"latin\xe9.py")).write_text("x = 1\n")
    (repo / "dir\nwith newline").mkdir()
    (repo / "dir\nwith newline" / ".env").write_text("A=1\n")


CASES: dict[str, Callable[[pathlib.Path], None]] = {
    "binary": _binary_files,
    "non-utf8": _non_utf8,
    "huge": _huge,
    "deep-tree": _deep_tree,
    "parser-bombs": _parser_bombs,
    "empty-dockerfile": _empty_dockerfile,
    "symlinks": _links,
    "fifos": _special,
    "odd-names": _odd_names,
}


# Each case's exit status: 1 where its hostile files hold an error (a secret, a file that
# does not parse, a broken Dockerfile, the app's files replaced); a tree that is only too
# deep is left out of the zip with a warning, and exits 0.
EXIT_STATUS = {"deep-tree": 0}


@pytest.mark.parametrize("fmt", ["json", "text", "sarif", "github"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_repository(tmp_path: pathlib.Path, case: str, fmt: str) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _copy_example(repo)
    for name in ("app.py", "requirements.txt", "Dockerfile"):
        if case in ("symlinks", "fifos"):
            (repo / name).unlink(missing_ok=True)
    CASES[case](repo)
    result = run(str(repo), "--skip-build", "--format", fmt)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode == EXIT_STATUS.get(case, 1), (
        f"{case}/{fmt}: exit {result.returncode}; stderr: {result.stderr.strip()[:500]}"
    )
    assert result.stderr.strip() == "", result.stderr[:500]
    assert PASSWD not in result.stdout, "content of /etc/passwd leaked into the report"
    if fmt in ("json", "sarif"):
        json.loads(result.stdout)


def test_deep_tree_source_not_checked_but_reported(tmp_path: pathlib.Path) -> None:
    _deep_tree(tmp_path)
    result = run(str(tmp_path), "--skip-build", "--format", "json")
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert "forbidden-file" in rules


@pytest.mark.parametrize(
    "make",
    [
        lambda tmp: tmp / "missing",
        lambda tmp: (tmp / "file.txt").write_text("x") and tmp / "file.txt",
        lambda tmp: (os.symlink("/nonexistent", tmp / "dangling"), tmp / "dangling")[1],
        lambda tmp: (os.mkfifo(tmp / "fifo"), tmp / "fifo")[1],
        lambda tmp: tmp / "new\nline",
    ],
    ids=["missing", "file", "dangling-link", "fifo", "newline-name"],
)
def test_bad_path_is_one_line_exit_2(tmp_path: pathlib.Path, make) -> None:
    path = make(tmp_path)
    result = run(str(path), "--skip-build")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stdout == ""


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads chmod 000 files; the FIFO cases cover unreadable entries")
def test_unreadable_file_and_dir(tmp_path: pathlib.Path) -> None:
    _copy_example(tmp_path)
    (tmp_path / "app.py").chmod(0)
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked").chmod(0)
    try:
        result = run(str(tmp_path), "--skip-build", "--format", "json")
    finally:
        (tmp_path / "locked").chmod(0o755)
    report = json.loads(result.stdout)
    assert result.returncode == (1 if report["counts"]["error"] else 0) and "Traceback" not in result.stderr
    paths = {f["path"] for f in report["findings"] if f["rule"] == "forbidden-file"}
    assert "locked" in paths


def test_unreadable_root_exit_2(tmp_path: pathlib.Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can read a chmod 000 directory")
    (tmp_path / "r").mkdir()
    (tmp_path / "r").chmod(0)
    try:
        result = run(str(tmp_path / "r"), "--skip-build")
    finally:
        (tmp_path / "r").chmod(0o755)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
