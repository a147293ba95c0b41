"""Hostile repositories through the real CLI: findings or a clean error, nothing read outside the
repository, nothing written into it, nothing from outside in the zip."""
from __future__ import annotations

import json
import os
import pathlib
import socket
import subprocess
import sys
import unicodedata
import zipfile

import pytest

CLI = [sys.executable, "-m", "deploy_check"]
MARKER = "OUTSIDE-MARKER-7f3a9c"


def passwd_first_line() -> str:
    return pathlib.Path("/etc/passwd").read_text().splitlines()[0]


def snapshot(root: pathlib.Path) -> dict[bytes, tuple[int, int]]:
    result = {}
    for directory, dirs, files in os.walk(os.fsencode(root), followlinks=False):
        for name in dirs + files:
            path = os.path.join(directory, name)
            st = os.lstat(path)
            result[path] = (st.st_size, st.st_mtime_ns)
    return result


def hostile_repo(root: pathlib.Path, outside: pathlib.Path) -> pathlib.Path:
    """One repository with every kind of hostility the walker, rules, zip and reports must survive."""
    repo = root / "repo"
    repo.mkdir()
    (repo / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    (repo / "requirements.txt").write_text("flask\ngunicorn\n")
    (repo / "random.py").write_bytes(os.urandom(4096))
    (repo / "latin1.py").write_bytes(b"x = '\xe9\xff'\n")
    (repo / "long.py").write_text("x = '" + "a" * (10 * 1024 * 1024) + "'\n")
    deep = repo
    for level in range(200):
        deep = deep / f"d{level % 10}"
    deep.mkdir(parents=True)
    (deep / "deep.py").write_text("import os\n")
    for name in ["ctl\x01\x1b[31m.py", "100%.py", "a::b.py", "new\nline.py", "::error::x.py", "##[warning]y.py"]:
        (repo / name).write_text("y = 1\n")
    os.close(os.open(os.path.join(os.fsencode(repo), b"bad-\xff-utf8.py"), os.O_CREAT | os.O_WRONLY, 0o644))
    (repo / unicodedata.normalize("NFC", "é.py")).write_text("nfc = 1\n")
    (repo / unicodedata.normalize("NFD", "é.py")).write_text("nfd = 1\n")
    (repo / "App.py").write_text("case = 1\n")
    (repo / "loop").symlink_to(repo / "loop")
    (repo / "passwd").symlink_to("/etc/passwd")
    (repo / "home").symlink_to(outside)
    (repo / "secret.txt").symlink_to(outside / "secret.txt")
    (repo / "parent").symlink_to("..")
    os.mkfifo(repo / "fifo.py")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(repo / "sock.py"))
    server.close()
    return repo


@pytest.fixture
def hostile(tmp_path):
    outside = tmp_path / "outside-home"
    outside.mkdir()
    (outside / "secret.txt").write_text(MARKER + "\n")
    (outside / "creds.py").write_text(f"TOKEN = '{MARKER}'\n")
    return hostile_repo(tmp_path, outside)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_hostile_repository(hostile, tmp_path, fmt):
    before = snapshot(hostile)
    out_zip = tmp_path / f"out-{fmt}.zip"
    report_file = tmp_path / f"report-{fmt}.json"
    result = subprocess.run(CLI + [str(hostile), "--skip-build", "--format", fmt, "--zip", str(out_zip),
                                   "--json", str(report_file)], capture_output=True, timeout=300)
    stdout, stderr = result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace")
    assert result.returncode == 1, stderr  # its secrets and links are errors
    assert "Traceback" not in stderr
    assert snapshot(hostile) == before
    report_text = report_file.read_text()
    json.loads(report_text)
    data = out_zip.read_bytes()
    for leak in (MARKER, passwd_first_line()):
        assert leak not in stdout and leak not in report_text
        assert leak.encode() not in data
    with zipfile.ZipFile(out_zip) as archive:
        names = archive.namelist()
    assert not any(name.split("/")[0] in ("passwd", "home", "secret.txt", "parent", "loop") for name in names)
    assert "app.py" in names and not any("fifo" in n or "sock" in n for n in names)
    if fmt == "github":
        for line in stdout.splitlines():
            if line.startswith("::") and not line.startswith(("::error ", "::warning ", "::notice ", "::stop-commands::",
                                                              "::group::", "::endgroup::")):
                assert line.startswith("::") and line.endswith("::") and len(line) == 36, line  # stop token


def test_hundred_thousand_small_files(tmp_path):
    repo = tmp_path / "many"
    (repo / "app").mkdir(parents=True)
    (repo / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    for index in range(100_000):
        folder = repo / "static" / f"d{index // 1000}"
        if index % 1000 == 0:
            folder.mkdir(parents=True)
        (folder / f"f{index}.css").write_bytes(b"a{}")
    result = subprocess.run(CLI + [str(repo), "--skip-build", "--format", "json"], capture_output=True, timeout=600)
    assert result.returncode == 1, result.stderr[-2000:]  # no Dockerfile, no requirements.txt
    report = json.loads(result.stdout)
    assert {"dockerfile-missing", "requirements-missing"} <= {f["rule"] for f in report["findings"]}


def test_path_that_is_a_fifo_or_missing_is_exit_2(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    for target in (tmp_path / "fifo", tmp_path / "missing", tmp_path / "new\nline"):
        result = subprocess.run(CLI + [str(target), "--skip-build"], capture_output=True, text=True, timeout=60)
        assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
