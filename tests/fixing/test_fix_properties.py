"""Property: on any small tree of the files the non-Python fixes edit (random line endings,
BOM, tabs, comments, missing final newline), --fix keeps every byte it does not edit, and a
second --fix changes nothing."""
from __future__ import annotations

import pathlib
import tempfile

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from deploy_check import spec
from deploy_check.engine import apply_fixes
from deploy_check.engine import open_project
from deploy_check.options import Options

ending = st.sampled_from(["\n", "\r\n", "\r"])
requirement = st.sampled_from(["requests", "Flask==3.0", "gunicorn>=21", "# a comment", "\tnumpy  # tab",
                               "pywin32; sys_platform == 'win32'", "", "click[extra]"])
ignore_line = st.sampled_from(["*.log", "venv/", ".env*", "# keep", "", "node_modules"])
dockerfile = st.sampled_from([None, spec.DOCKERFILE, "FROM python:3.9\nRUN apt-get install -y libgl1\n",
                              spec.DOCKERFILE.replace("\n", "\r\n"), "FROM python:3.12-slim\nENV A\n"])


@st.composite
def text_file(draw, lines):
    body = draw(ending).join(draw(st.lists(lines, max_size=6)))
    if body and draw(st.booleans()):
        body += draw(ending)
    return ("\ufeff" if draw(st.booleans()) else "") + body


@st.composite
def trees(draw):
    files: dict[str, bytes] = {"app.py": b"from flask import Flask\napp = Flask(__name__)\n"}
    if draw(st.booleans()):
        files["requirements.txt"] = draw(text_file(requirement)).encode()
    if draw(st.booleans()):
        files[".gitignore"] = draw(text_file(ignore_line)).encode()
    docker = draw(dockerfile)
    if docker is not None:
        files["Dockerfile"] = docker.encode()
    if draw(st.booleans()):
        files[".python-version"] = draw(st.sampled_from([b"3.9.18\n", b"3.12", b"python-3.8\r\n"]))
    for extra in draw(st.lists(st.sampled_from([".env", "venv/pyvenv.cfg", "__pycache__/a.pyc"]), max_size=3)):
        files[extra] = b"X=1\n"
    return files


def write(root: pathlib.Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


def read(root: pathlib.Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees(), st.booleans())
def test_fix_is_exact_and_idempotent(files, unsafe):
    options = Options(fix=True, unsafe_fixes=unsafe)
    with tempfile.TemporaryDirectory() as directory:
        root = pathlib.Path(directory)
        write(root, files)
        _, done = apply_fixes(open_project(directory), options)
        after = read(root)
        assert set(files) <= set(after)  # nothing deleted
        for name in ("requirements.txt", ".gitignore"):
            if name in files and name in done["files"]:
                assert after[name].startswith(files[name]), name  # only appended to
        for name, data in files.items():
            if name not in done["files"]:
                assert after[name] == data, name
        _, again = apply_fixes(open_project(directory), options)
        assert again["files"] == [] and read(root) == after
