"""The lint's one visit per module: the same findings on one core as on several, and
memory that does not keep every module's AST."""
from __future__ import annotations

import pathlib

import pytest

from deploy_check import engine
from deploy_check import module_visit
from deploy_check.options import Options
from deploy_check.project import MAX_CACHED_MODULES
from tests.conftest import EXAMPLE

MODULE = '''import os
import sqlite3
import yaml

SECRET_KEY = "hunter2-{n}-but-longer-and-random-Zq8v"
conn = sqlite3.connect("data{n}.db")
UPLOAD_FOLDER = "uploads/{n}"
token = "ghp_{n:04d}abcdefghijklmnopqrstuvwxyzABCDEFGH"[:40]
'''


def _repo(tmp_path: pathlib.Path, modules: int) -> pathlib.Path:
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    for n in range(modules):
        package = repo / "pkg" / f"p{n // 20}"
        package.mkdir(parents=True, exist_ok=True)
        (package / f"m{n}.py").write_text(MODULE.format(n=n))
    (repo / "pkg" / "broken.py").write_text("def f(:\n")
    return repo


def _report(repo: pathlib.Path) -> list[dict]:
    report = engine.check(str(repo), Options(skip_build=True, skip_smoke=True))
    return [finding.to_dict() for finding in report.findings]


def test_parallel_visit_finds_what_the_serial_one_does(tmp_path, monkeypatch):
    repo = _repo(tmp_path, 60)
    serial = _report(repo)
    monkeypatch.setattr(module_visit, "CHUNK_BYTES", 2000)
    # Two workers whatever the machine: _worker_count says one when other threads run, as
    # they may in a long test session (a fake server's), and is tested on its own below.
    monkeypatch.setattr(module_visit, "_worker_count", lambda *a: 2)
    started: list[int] = []
    real_pool = module_visit.concurrent.futures.ProcessPoolExecutor

    def counting_pool(workers, **kwargs):
        started.append(workers)
        return real_pool(workers, **kwargs)

    monkeypatch.setattr(module_visit.concurrent.futures, "ProcessPoolExecutor", counting_pool)
    parallel = _report(repo)
    assert started == [2], "the parallel path did not run"
    assert parallel == serial
    rules = {f["rule"] for f in serial}
    assert {"hardcoded-secret", "database-path", "upload-path", "python-syntax",
            "import-not-in-requirements"} <= rules


def test_a_module_rule_sees_one_module_at_a_time(tmp_path):
    from deploy_check.project import Project

    repo = _repo(tmp_path, 3)
    project = Project(str(repo))
    with project.scope("pkg/p0/m1.py"):
        assert [p.path for p in project.parsed_python()] == ["pkg/p0/m1.py"]
    assert len(list(project.parsed_python())) > 3


@pytest.mark.parametrize("count", [MAX_CACHED_MODULES * 3])
def test_parsed_modules_are_not_all_kept(tmp_path, count):
    from deploy_check.project import Project

    project = Project(str(_repo(tmp_path, count)))
    list(engine.lint(project))
    assert len(project._modules) <= MAX_CACHED_MODULES


def test_the_lint_parses_each_module_once(tmp_path, monkeypatch):
    """A rule that walks every module from `check(project)` parses them all a second time
    (and keeps memory growing): its per-module part belongs in `check_module(project)`."""
    import collections

    from deploy_check import project as project_module

    parses: collections.Counter[str] = collections.Counter()
    real = project_module._parse_python
    monkeypatch.setattr(project_module, "_parse_python", lambda path, source: parses.update([path]) or real(path, source))
    repo = _repo(tmp_path, MAX_CACHED_MODULES * 3)
    engine.check(str(repo), Options(skip_build=True, skip_smoke=True))
    again = sorted(path for path, count in parses.items() if count > 1 and "/" in path)
    assert again == [], f"parsed more than once (a rule's check() walks every module?): {again[:5]}"


def test_workers_only_for_a_large_repository_with_no_other_thread(tmp_path, monkeypatch):
    import threading

    from deploy_check.project import Project

    project = Project(str(_repo(tmp_path, 30)))
    paths = project.python_files()
    monkeypatch.setattr(module_visit.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(module_visit, "PARALLEL_MIN_BYTES", 10**9)
    assert module_visit._worker_count(project, paths) == 1  # small: a pool would cost more
    monkeypatch.setattr(module_visit, "PARALLEL_MIN_BYTES", 1)
    assert module_visit._worker_count(project, paths) == 2
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert module_visit._worker_count(project, paths) == 1  # a pending build's thread: no fork


def test_no_rule_walks_every_module_again(tmp_path, monkeypatch):
    """The walk made at parse time (ParsedPython.nodes, python.nodes_of) serves every rule:
    another ast.walk of each module costs as much as parsing it again."""
    import ast

    walked: list[int] = []
    real = ast.walk
    monkeypatch.setattr(ast, "walk", lambda node: walked.append(1) or real(node))
    repo = _repo(tmp_path, 40)
    engine.check(str(repo), Options(skip_build=True, skip_smoke=True))
    assert len(walked) < 10, f"{len(walked)} ast.walk calls for 40 modules: use python.nodes_of"


def test_a_worker_that_dies_costs_time_not_findings(tmp_path, monkeypatch):
    import os
    import signal

    from deploy_check.rules import app_port

    repo = _repo(tmp_path, 30)
    serial = _report(repo)
    monkeypatch.setattr(module_visit, "CHUNK_BYTES", 2000)
    monkeypatch.setattr(module_visit, "_worker_count", lambda *a: 2)
    real = app_port.check_module
    parent = os.getpid()

    def dying(project):
        if os.getpid() != parent and project.python_files_in_scope()[0].endswith("/m3.py"):
            os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would
        return real(project)

    monkeypatch.setattr(app_port, "check_module", dying)  # the workers are forked: they see it
    assert _report(repo) == serial
