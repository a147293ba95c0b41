from __future__ import annotations

import os
import pathlib

import pytest

from deploy_check.project import Project
from deploy_check.rules import forbidden_file
from tests.rules.helpers import make_repo
from tests.rules.helpers import places

R = "forbidden-file"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"node_modules/x/index.js": ""}, [(R, "node_modules", None)]),
        ({"__pycache__/app.cpython-312.pyc": "", "pkg/__pycache__/m.pyc": ""},
         [(R, "__pycache__", None)]),
        ({"venv/bin/python": ""}, [(R, "venv", None)]),
        ({".venv/lib/x.py": ""}, [(R, ".venv", None)]),
        ({"data/app.db": ""}, [(R, "data", None)]),
        ({"sub/data/x.csv": ""}, []),  # only the top-level data/ is left out
        ({".git/HEAD": "ref\n"}, []),  # the checkout's own .git
        ({"vendor/lib/.git/HEAD": "ref\n"}, [(R, "vendor/lib/.git", None)]),
        ({"myenv/pyvenv.cfg": "home = /usr\n", "myenv/lib/site.py": ""}, [(R, "myenv", None)]),
        ({"a.pyc": "", "b/c.pyc": "", "app.py": ""}, [(R, "a.pyc", None)]),
        ({"app.py": "", "static/x.css": ""}, []),
    ],
)
def test_forbidden_file(tmp_path: pathlib.Path, files: dict[str, str], expected: list) -> None:
    make_repo(tmp_path, files)
    assert places(forbidden_file, tmp_path) == expected


def test_one_finding_per_kind_with_count(tmp_path: pathlib.Path) -> None:
    make_repo(tmp_path, {f"m{i}.pyc": "" for i in range(50)})
    findings = list(forbidden_file.check(Project(str(tmp_path))))
    assert len(findings) == 1
    assert "50" in findings[0].message


def test_special_entries(tmp_path: pathlib.Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    os.symlink("/etc/passwd", repo / "passwd")
    os.symlink("loop", repo / "loop")
    os.symlink("missing", repo / "dangling")
    os.mkfifo(repo / "fifo")
    got = places(forbidden_file, repo)
    assert got == [(R, "dangling", None), (R, "fifo", None), (R, "loop", None), (R, "passwd", None)]


def test_capped_after_twenty(tmp_path: pathlib.Path) -> None:
    for i in range(30):
        os.symlink("/etc/hostname", tmp_path / f"l{i:02}")
    findings = list(forbidden_file.check(Project(str(tmp_path))))
    assert len(findings) == 21
    assert findings[-1].path is None and "10" in findings[-1].message
