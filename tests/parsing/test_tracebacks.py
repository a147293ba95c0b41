from __future__ import annotations

import pytest

from deploy_check.parsing import buildlog
from deploy_check.parsing import tracebacks

GUNICORN_BOOT = """[2026-11-24 22:00:00 +0000] [7] [ERROR] Exception in worker process
Traceback (most recent call last):
  File "/usr/local/lib/python3.11/dist-packages/gunicorn/arbiter.py", line 609, in spawn_worker
    worker.init_process()
  File "/app/app.py", line 3, in <module>
    import helpers
  File "/app/helpers.py", line 9, in <module>
    import missing
ModuleNotFoundError: No module named 'missing'
[2026-11-24 22:00:00 +0000] [7] [INFO] Worker exiting (pid: 7)
Traceback (most recent call last):
  File "/usr/local/lib/python3.11/dist-packages/gunicorn/arbiter.py", line 530, in reap_workers
    raise HaltServer(reason, self.WORKER_BOOT_ERROR)
gunicorn.errors.HaltServer: <HaltServer 'Worker failed to boot.' 3>
"""


def test_innermost_repository_frame_of_the_last_placed_traceback():
    crash = tracebacks.last_crash(GUNICORN_BOOT)
    assert crash.frame == tracebacks.Frame("helpers.py", 9)
    assert crash.error == "ModuleNotFoundError: No module named 'missing'"


def test_no_traceback():
    assert tracebacks.last_crash("all fine\n") is None


def test_syntax_error_frame_without_traceback_header():
    crash = tracebacks.last_crash('  File "/app/app.py", line 4\n    def (:\n        ^\nSyntaxError: invalid syntax\n')
    assert crash.frame == tracebacks.Frame("app.py", 4)


def test_build_log_failing_requirement():
    lines = ["Step 5/11 : RUN pip install --no-cache-dir -r requirements.txt",
             "ERROR: Could not find a version that satisfies the requirement Nope_Pkg==1.0 (from versions: none)",
             "ERROR: No matching distribution found for Nope_Pkg==1.0"]
    assert buildlog.failing_requirement(lines) == "nope-pkg"
    assert buildlog.failed_step(lines) == 5


def test_build_log_wheel_failure():
    lines = ["Collecting psycopg2==2.9.9", "  error: subprocess-exited-with-error", "  pg_config executable not found."]
    assert buildlog.failing_requirement(lines) == "psycopg2"


PIP_CONFLICT = """\x1b[91mERROR: Cannot install -r requirements.txt (line 16) and markupsafe==1.1.1 because these package versions have conflicting dependencies.
\x1b[0m
The conflict is caused by:
    The user requested markupsafe==1.1.1
    jinja2 3.1.3 depends on MarkupSafe>=2.0
To fix this you could try to:
\x1b[91mERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/
""".splitlines()


def test_build_log_dependency_conflict_names_the_pin_and_why():
    lines = [buildlog.without_escapes(line) for line in PIP_CONFLICT]
    assert lines[0].startswith("ERROR: Cannot install")
    assert buildlog.conflict(lines) == buildlog.Conflict(
        "markupsafe", "markupsafe==1.1.1", "jinja2 3.1.3 depends on MarkupSafe>=2.0", ("jinja2",))


# pip 26.3's own words (python:3.12-slim stand-in, 2026-12-01), for MarkupSafe==2.0.1,
# Jinja2==3.0.3, Werkzeug==2.2.3 (miguelgrinberg/REST-tutorial's pins).
PIP26_CONFLICT = """INFO: pip is looking at multiple versions of werkzeug to determine which version is compatible with other requirements. This could take a while.
\x1b[91mERROR: Cannot install -r requirements.txt (line 2), -r requirements.txt (line 3) and MarkupSafe==2.0.1 because these package versions have conflicting dependencies.
\x1b[0m
The conflict is caused by:
    The user requested MarkupSafe==2.0.1
    jinja2 3.0.3 depends on MarkupSafe>=2.0
    werkzeug 2.2.3 depends on MarkupSafe>=2.1.1

Additionally, some packages in these conflicts have no matching distributions available for your environment:
    markupsafe

To fix this you could try to:
1. loosen the range of package versions you've specified
2. remove package versions to allow pip to attempt to solve the dependency conflict

\x1b[91mERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts
""".splitlines()


def test_build_log_conflict_quotes_the_need_the_pin_does_not_meet():
    lines = [buildlog.without_escapes(line) for line in PIP26_CONFLICT]
    assert buildlog.conflict(lines) == buildlog.Conflict(
        "markupsafe", "MarkupSafe==2.0.1", "werkzeug 2.2.3 depends on MarkupSafe>=2.1.1", ("werkzeug",))


@pytest.mark.parametrize("caused_by, expected", [
    # two needs rule the pin out: both are quoted
    (["    The user requested six==1.0", "    a 1 depends on six>=1.5", "    b 2 depends on six<1.0"],
     ("six", "six==1.0", "a 1 depends on six>=1.5; b 2 depends on six<1.0", ("a", "b"))),
    # the second pin is the one ruled out; a constraint is a pin too
    (["    The user requested flask==1.1.2", "    The user requested (constraint) werkzeug==3.0.0",
      "    flask 1.1.2 depends on Werkzeug<2.0,>=0.15"],
     ("werkzeug", "werkzeug==3.0.0", "flask 1.1.2 depends on Werkzeug<2.0,>=0.15", ("flask",))),
    # a range pin: pip's first need is quoted, as pip knows why
    (["    The user requested six>=1.0", "    a 1 depends on six<1.0"], ("six", "six>=1.0", "a 1 depends on six<1.0", ("a",))),
    # an exact pin every listed need admits: no contradicting reason is made up
    (["    The user requested six==1.5", "    a 1 depends on six>=1.0"], ("six", "six==1.5", "", ())),
])
def test_build_log_conflict_picks_the_needs_that_exclude_the_pin(caused_by, expected):
    lines = ["ERROR: Cannot install x because these package versions have conflicting dependencies.",
             "The conflict is caused by:", *caused_by, "", "    a 9 depends on six==0.1",
             "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io"]
    assert buildlog.conflict(lines) == buildlog.Conflict(*expected)


def test_build_log_without_conflict():
    assert buildlog.conflict(["Step 5/11 : RUN pip install", "Successfully installed flask"]) is None


def test_escapes_are_removed_from_build_log_lines():
    assert buildlog.without_escapes("\x1b[91mERROR: x\x1b[0m \x1b]2;t\x1b") == "ERROR: x 2;t"


def test_gunicorn_reason_without_traceback():
    log = ("[INFO] Booting worker with pid: 7\nFailed to find attribute 'app' in 'app'.\n"
           "[ERROR] Reason: App failed to load.\n")
    assert tracebacks.gunicorn_reason(log) == "gunicorn: Failed to find attribute 'app' in 'app'."
    assert tracebacks.gunicorn_reason("[INFO] Listening at: http://0.0.0.0:5000\n") == ""


def test_loopback_only_servers():
    flask_default = " * Serving Flask app 'app'\n * Running on http://127.0.0.1:5000\nPress CTRL+C to quit\n"
    assert tracebacks.loopback_only(flask_default) == "http://127.0.0.1:5000"
    assert tracebacks.loopback_only("[INFO] Listening at: http://127.0.0.1:5000 (1)\n") == "http://127.0.0.1:5000"
    everywhere = " * Running on all addresses (0.0.0.0)\n * Running on http://127.0.0.1:5000\n"
    assert tracebacks.loopback_only(everywhere) == ""
    assert tracebacks.loopback_only("[INFO] Listening at: http://0.0.0.0:5000 (1)\n") == ""
