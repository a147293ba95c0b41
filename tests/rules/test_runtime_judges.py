"""Every runtime rule's judge, on plain observations: no Docker engine needed."""
from __future__ import annotations

import pytest

from deploy_check import spec
from deploy_check.finding import Severity
from deploy_check.observed import Answer
from deploy_check.observed import BuildFailure
from deploy_check.observed import Memory
from deploy_check.observed import Restart
from deploy_check.observed import Run
from deploy_check.project import Project
from deploy_check.rules import build_failed
from deploy_check.rules import smoke_boot
from deploy_check.rules import smoke_cold_start
from deploy_check.rules import smoke_ephemeral_write
from deploy_check.rules import smoke_http
from deploy_check.rules import smoke_memory
from deploy_check.rules import smoke_restart
from tests.rules.helpers import make_repo

MIB = 1024 * 1024
APP = "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route('/')\ndef home():\n    return 1 / 0\n"
TRACEBACK = """[ERROR] Exception on / [GET]
Traceback (most recent call last):
  File "/usr/local/lib/python3.12/site-packages/flask/app.py", line 880, in full_dispatch_request
  File "/app/app.py", line 8, in home
ZeroDivisionError: division by zero
"""
BOOT_CRASH = """Traceback (most recent call last):
  File "/app/app.py", line 3, in <module>
ModuleNotFoundError: No module named 'missing'
"""


@pytest.fixture
def project(tmp_path):
    return Project(str(make_repo(tmp_path, {
        "app.py": APP,
        "requirements.txt": "flask\ngunicorn\nnope-pkg==1.0\n",
        "Dockerfile": spec.DOCKERFILE,
    })))


def run(**fields) -> Run:
    return Run("c1", "http://127.0.0.1:5000", 100.0, timeout=60.0, **fields)


def places(findings):
    return [(f.rule, f.severity.value, f.path, f.line) for f in findings]


@pytest.mark.parametrize("observed, expected", [
    (run(first_answer=101.0, answers={"/": Answer(200)}), []),
    (run(exited=True, exit_code=3, logs=BOOT_CRASH), [("smoke-boot", "error", "app.py", 3)]),
    (run(crash_loop=6), [("smoke-boot", "error", None, None)]),
    (run(), [("smoke-boot", "error", None, None)]),
    (run(first_answer=101.0, loopback="127.0.0.1:5000"), [("smoke-boot", "error", None, None)]),
])
def test_smoke_boot(project, observed, expected):
    assert places(smoke_boot.judge(project, observed)) == expected


def test_smoke_boot_says_why_and_how_long_it_waited(project):
    (timed_out,) = smoke_boot.judge(project, run())
    assert timed_out.message == f"nothing answered on port {spec.PORT} within 60 s"
    (crashed,) = smoke_boot.judge(project, run(exited=True, exit_code=3, logs=BOOT_CRASH))
    assert "exited with code 3" in crashed.message and "No module named 'missing'" in crashed.message


@pytest.mark.parametrize("observed, expected", [
    (run(first_answer=101.0, answers={"/": Answer(200), "/health": Answer(302)}), []),
    (run(first_answer=101.0, answers={"/": Answer(500)}, logs=TRACEBACK), [("smoke-http", "error", "app.py", 8)]),
    (run(first_answer=101.0, answers={"/": Answer(200), "/x": Answer(404)}), [("smoke-http", "error", None, None)]),
    (run(first_answer=101.0, answers={"/": Answer(None, "timed out")}), [("smoke-http", "error", None, None)]),
    (run(answers={"/": Answer(None, "refused")}), []),  # never answered: smoke-boot's
    (run(first_answer=101.0, loopback="127.0.0.1:5000", answers={"/": Answer(None)}), []),
])
def test_smoke_http(project, observed, expected):
    assert places(smoke_http.judge(project, observed)) == expected


def test_smoke_http_hints_a_login_for_401(project):
    (finding,) = smoke_http.judge(project, run(first_answer=101.0, answers={"/admin": Answer(401)}))
    assert "needs a login" in (finding.hint or "")


@pytest.mark.parametrize("observed, expected", [
    (Memory(50 * MIB, 256 * MIB, "free"), []),
    (Memory(210 * MIB, 256 * MIB, "free"), [("smoke-memory", "warning", None, None)]),
    (Memory(300 * MIB, 256 * MIB, "free"), [("smoke-memory", "error", None, None)]),
    (Memory(10 * MIB, 256 * MIB, "free", oom_kills=1), [("smoke-memory", "error", None, None)]),
    (Memory(10 * MIB, 256 * MIB, "free", oom_killed=True), [("smoke-memory", "error", None, None)]),
    (Memory(10 * MIB, 256 * MIB, "free", logs="[WARNING] Worker (pid:9) was sent SIGKILL! Perhaps out of memory?"),
     [("smoke-memory", "error", None, None)]),
])
def test_smoke_memory(observed, expected):
    assert places(smoke_memory.judge(observed)) == expected


def test_smoke_memory_names_the_tier_that_fits():
    (killed,) = smoke_memory.judge(Memory(10 * MIB, 256 * MIB, "free", oom_kills=1))
    assert killed.message.endswith("; the pro tier has 512 MB")
    (team,) = smoke_memory.judge(Memory(10 * MIB, 1024 * MIB, "team", oom_kills=1))
    assert "tier has" not in team.message


@pytest.mark.parametrize("seconds, expected", [
    (None, []), (2.0, []), (10.0, []), (10.5, [("smoke-cold-start", "warning", None, None)]),
])
def test_smoke_cold_start(seconds, expected):
    assert places(smoke_cold_start.judge(seconds, "pro")) == expected  # free: 5 s (tests/runtime/test_importtime.py)


def test_smoke_ephemeral_write_lists_ten_and_counts_the_rest():
    assert smoke_ephemeral_write.judge([]) == []
    (finding,) = smoke_ephemeral_write.judge([f"/app/f{i}" for i in range(12)])
    assert finding.severity is Severity.ERROR and finding.message.endswith("/app/f9 and 2 more")


@pytest.mark.parametrize("restart, first_ok, expected", [
    (Restart(run(first_answer=101.0, answers={"/": Answer(200)})), True, []),
    (Restart(run(first_answer=101.0, answers={"/": Answer(500)})), False, []),  # it failed the first time too
    (Restart(run(first_answer=101.0, answers={"/": Answer(500)}, logs=TRACEBACK)), True,
     [("smoke-restart", "error", "app.py", 8)]),
    (Restart(run(exited=True, exit_code=1)), True, [("smoke-restart", "error", None, None)]),
    (Restart(None, "no such user"), True, [("smoke-restart", "error", None, None)]),
])
def test_smoke_restart(project, restart, first_ok, expected):
    assert places(smoke_restart.judge(project, restart, first_ok=first_ok)) == expected


@pytest.mark.parametrize("failure, expected", [
    (BuildFailure(("Step 5/11 : RUN pip install --no-cache-dir -r requirements.txt",
                   "ERROR: Could not find a version that satisfies the requirement nope-pkg==1.0",
                   "ERROR: No matching distribution found for nope-pkg==1.0"), "exit 1"),
     [("build-failed", "error", "requirements.txt", 3)]),
    (BuildFailure(("Step 6/11 : RUN mkdir -p /data", "mkdir: cannot create directory"), "exit 1"),
     [("build-failed", "error", "Dockerfile", 13)]),
    (BuildFailure(("Step 9/11 : RUN mkdir -p /data",), "exit 1", template=True), [("build-failed", "error", None, None)]),
    (BuildFailure((), None), [("build-failed", "error", "Dockerfile", None)]),
])
def test_build_failed(project, failure, expected):
    assert places(build_failed.judge(project, failure)) == expected
