from __future__ import annotations

import os
import pathlib

from deploy_check.walk import MAX_DEPTH
from deploy_check.walk import walk


def _touch(path: pathlib.Path, content: bytes = b"") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def test_files_sorted_and_sized(tmp_path: pathlib.Path) -> None:
    _touch(tmp_path / "b.py", b"12345")
    _touch(tmp_path / "a/c.txt", b"1")
    tree = walk(str(tmp_path))
    assert [(f.path, f.size) for f in tree.files] == [("a/c.txt", 1), ("b.py", 5)]


def test_skipped_dirs_not_descended(tmp_path: pathlib.Path) -> None:
    for name in ("node_modules/x.js", "venv/a", ".venv/a", ".git/HEAD", "__pycache__/a.pyc",
                 "data/app.db", "pkg/__pycache__/b.pyc", "pkg/data/kept.csv"):
        _touch(tmp_path / name)
    tree = walk(str(tmp_path))
    assert sorted(tree.skipped_dirs) == [
        ".git", ".venv", "__pycache__", "data", "node_modules", "pkg/__pycache__", "venv"
    ]
    assert [f.path for f in tree.files] == ["pkg/data/kept.csv"]


def test_virtualenv_by_marker(tmp_path: pathlib.Path) -> None:
    _touch(tmp_path / "env2/pyvenv.cfg", b"home = /usr/bin\n")
    _touch(tmp_path / "env2/lib/python3.12/site-packages/flask/__init__.py")
    _touch(tmp_path / "app.py")
    tree = walk(str(tmp_path))
    assert tree.virtualenvs == ["env2"]
    assert "env2" in tree.skipped_dirs
    assert [f.path for f in tree.files] == ["app.py"]


def test_symlinks(tmp_path: pathlib.Path) -> None:
    repo = tmp_path / "repo"
    _touch(repo / "real.txt", b"x")
    _touch(tmp_path / "outside.txt", b"secret")
    os.symlink("real.txt", repo / "inside")
    os.symlink(tmp_path / "outside.txt", repo / "escape")
    os.symlink("/etc/passwd", repo / "passwd")
    os.symlink("loop", repo / "loop")
    os.symlink("nowhere", repo / "dangling")
    os.symlink(".", repo / "selfdir")
    tree = walk(str(repo))
    assert [(f.path, f.symlink) for f in tree.files] == [("inside", True), ("real.txt", False)]
    assert sorted(tree.escaping_symlinks) == ["escape", "passwd"]
    assert sorted(tree.broken_symlinks) == ["dangling", "loop"]


def test_special_and_bad_names(tmp_path: pathlib.Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / os.fsdecode(b"bad\xff.py")).write_text("x")
    (tmp_path / "new\nline.py").write_text("x")
    tree = walk(str(tmp_path))
    assert tree.special_files == ["fifo"]
    assert tree.bad_names == ["bad\\xff.py"]
    assert [f.path for f in tree.files] == ["new\nline.py"]


def test_too_deep_is_iterative(tmp_path: pathlib.Path) -> None:
    deep = tmp_path
    for _ in range(MAX_DEPTH + 20):
        deep = deep / "d"
    deep.mkdir(parents=True)
    (deep / "x.py").write_text("x")
    tree = walk(str(tmp_path))
    assert len(tree.too_deep) == 1
    assert tree.files == []
