from __future__ import annotations

import hashlib
import os
import zipfile

import pytest

from deploy_check import Options
from deploy_check import check
from deploy_check.errors import UsageError
from tests.conftest import EXAMPLE
from tests.rules.helpers import make_repo


def zip_of(repo, out) -> zipfile.ZipFile:
    report = check(str(repo), Options(skip_build=True, zip_path=str(out)))
    assert report.package.status == "ok"
    return zipfile.ZipFile(out)


def test_same_tree_same_bytes(tmp_path):
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    zip_of(EXAMPLE, first)
    os.utime(EXAMPLE / "app.py")  # a new mtime must not change the bytes
    zip_of(EXAMPLE, second)
    assert first.read_bytes() == second.read_bytes()


def test_entries_sorted_with_fixed_times_and_modes(tmp_path):
    repo = make_repo(tmp_path / "r", {"b.py": "", "a.py": "", "run.sh": "#!/bin/sh\n", "dir/c.txt": "c"})
    os.chmod(repo / "run.sh", 0o775)
    os.chmod(repo / "a.py", 0o600)
    archive = zip_of(repo, tmp_path / "out.zip")
    names = archive.namelist()
    assert names == sorted(names)
    for info in archive.infolist():
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        mode = info.external_attr >> 16 & 0o777
        assert mode == (0o755 if info.filename == "run.sh" else 0o644)


def test_spec_exclusions(tmp_path):
    repo = make_repo(tmp_path / "r", {
        "app.py": "", ".env": "A=1", ".gitignore": "x", ".github/workflows/x.yml": "", "x.pyc": "",
        "pkg/__pycache__/m.cpython-311.pyc": "", "venv/bin/python": "", ".venv/lib/x": "", "data/app.db": "",
        "node_modules/x/index.js": "", "nested/data/keep.txt": "kept", ".git/HEAD": "ref",
    })
    archive = zip_of(repo, tmp_path / "out.zip")
    assert archive.namelist() == ["app.py", "nested/data/keep.txt"]
    report = check(str(repo), Options(skip_build=True, zip_path=str(tmp_path / "again.zip")))
    left_out = {item["path"] for item in report.package.excluded}
    assert {".env", ".gitignore", "x.pyc", "venv/", "data/", "node_modules/"} <= left_out


def test_symlinks(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("TOP-SECRET-MARKER")
    repo = make_repo(tmp_path / "r", {"app.py": "print('hi')\n"})
    (repo / "inside-link.py").symlink_to(repo / "app.py")
    (repo / "outside-link.txt").symlink_to(outside)
    (repo / "loop").symlink_to(repo / "loop")
    out = tmp_path / "out.zip"
    archive = zip_of(repo, out)
    assert sorted(archive.namelist()) == ["app.py", "inside-link.py"]
    assert archive.read("inside-link.py") == b"print('hi')\n"
    assert b"TOP-SECRET-MARKER" not in out.read_bytes()


def test_large_tree_streams(tmp_path):
    repo = make_repo(tmp_path / "r", {"app.py": ""})
    big = repo / "big.bin"
    with open(big, "wb") as handle:
        for _ in range(64):
            handle.write(os.urandom(1024 * 1024))
    out = tmp_path / "out.zip"
    archive = zip_of(repo, out)
    assert hashlib.sha256(archive.read("big.bin")).digest() == hashlib.sha256(big.read_bytes()).digest()


def test_zip_inside_the_repository_is_refused(tmp_path):
    repo = make_repo(tmp_path / "r", {"app.py": ""})
    with pytest.raises(UsageError):
        check(str(repo), Options(skip_build=True, zip_path=str(repo / "out.zip")))


def test_zip_into_own_output_folder_is_allowed_and_never_zipped(tmp_path):
    repo = make_repo(tmp_path / "r", {"app.py": ""})
    zip_of(repo, repo / ".deploy-check" / "a.zip")
    assert zip_of(repo, repo / ".deploy-check" / "b.zip").namelist() == ["app.py"]


def test_the_zip_report_and_forbidden_file_list_the_same_left_out_entries(tmp_path, monkeypatch):
    from deploy_check import walk

    repo = make_repo(tmp_path / "repo", {"app.py": "x = 1\n", "a/b/c/deep.txt": "deep\n"})
    os.close(os.open(os.fsencode(repo) + b"/bad\xffname.txt", os.O_CREAT | os.O_WRONLY, 0o644))
    monkeypatch.setattr(walk, "MAX_DEPTH", 3)
    report = check(str(repo), Options(skip_build=True, zip_path=str(tmp_path / "out.zip")))
    excluded = {item["path"]: item["reason"] for item in report.package.excluded}
    forbidden = {f.path for f in report.findings if f.rule == "forbidden-file"}
    deep = next(path for path in excluded if path.startswith("a/"))
    bad = next(path for path in excluded if path.startswith("bad"))
    assert excluded[deep] == "directory nested too deep (never read)" and deep.endswith("/")
    assert excluded[bad] == "file name is not valid UTF-8"
    assert {deep.rstrip("/"), bad} <= forbidden
    assert zipfile.ZipFile(tmp_path / "out.zip").namelist() == ["app.py"]
