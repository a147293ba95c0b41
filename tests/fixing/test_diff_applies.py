"""--diff's output is a patch that git and patch accept, and applying it leaves exactly what
--fix writes: on small trees with CRLF, CR-only and BOM files, missing final newlines, empty
files and files the fixes create."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from deploy_check.cli import main
from tests.rules.helpers import make_repo

APP = b"from flask import Flask\napp = Flask(__name__)\n"

CASES = {
    "crlf": {
        "Dockerfile": b"FROM python:3.11\r\nWORKDIR /code\r\nCOPY . .\r\nCMD [\"python\", \"app.py\"]\r\n",
        "requirements.txt": b"flask\r\nrequests",
        "app.py": (b"from flask import Flask\r\napp = Flask(__name__)\r\n"
                   b"app.config[\"SQLALCHEMY_DATABASE_URI\"] = \"sqlite:///app.db\"\r\napp.run(debug=True)"),
    },
    "no-final-newline": {
        "Dockerfile": b"FROM python:3.11\nCMD python app.py",
        "requirements.txt": b"flask",
        "app.py": APP + b"app.run()",
    },
    "cr-only-and-bom": {
        "Dockerfile": b"\xef\xbb\xbfFROM python:3.11\rCMD python app.py\r",
        "requirements.txt": b"\xef\xbb\xbfrequests\rflask\r",
        "app.py": APP,
    },
    "created-files": {
        "pyproject.toml": b"[project]\nname = \"x\"\ndependencies = [\"flask>=3\"]\n",
        "wsgi.py": APP,
    },
    "empty-requirements": {
        "Dockerfile": b"",
        "requirements.txt": b"",
        "app.py": APP,
    },
}


def tree(root) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.parts}


@pytest.fixture
def diff_and_fixed(tmp_path, capsys, request):
    files = CASES[request.param]
    source = make_repo(tmp_path / "source", files)
    assert main([str(source), "--skip-build", "--diff"]) == 1
    diff = capsys.readouterr().out
    assert tree(source) == files  # --diff writes nothing
    fixed = tmp_path / "fixed"
    shutil.copytree(source, fixed)
    main([str(fixed), "--skip-build", "--fix", "--output", "/dev/null"])
    assert tree(fixed) != files
    return source, diff, tree(fixed)


@pytest.mark.parametrize("diff_and_fixed", sorted(CASES), indirect=True)
def test_git_apply_leaves_what_fix_writes(tmp_path, diff_and_fixed):
    source, diff, fixed = diff_and_fixed
    copy = tmp_path / "git"
    shutil.copytree(source, copy)
    subprocess.run(["git", "init", "-q", str(copy)], check=True)
    for args in (["apply", "--check", "-"], ["apply", "-"]):
        done = subprocess.run(["git", "-C", str(copy), *args], input=diff.encode(), capture_output=True)
        assert done.returncode == 0, done.stderr.decode()
    assert tree(copy) == fixed


@pytest.mark.parametrize("diff_and_fixed", sorted(CASES), indirect=True)
def test_patch_p1_leaves_what_fix_writes(tmp_path, diff_and_fixed):
    source, diff, fixed = diff_and_fixed
    copy = tmp_path / "patch"
    shutil.copytree(source, copy)
    done = subprocess.run(["patch", "-p1", "--batch", "--forward", "--binary", "-d", str(copy)],
                          input=diff.encode(), capture_output=True)
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    assert {path: data for path, data in tree(copy).items() if not path.endswith(".orig")} == fixed
