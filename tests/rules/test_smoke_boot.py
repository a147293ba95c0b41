"""smoke-boot's judgement of a container the engine would not start, from the engine's own words."""
from __future__ import annotations

import pytest

from deploy_check.project import Project
from deploy_check.rules import smoke_boot
from tests.rules.helpers import make_repo

DOCKERFILE = """FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
USER appuser
CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "app:app"]
"""
SCRIPT_DOCKERFILE = DOCKERFILE.replace('CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "app:app"]',
                                       'ENTRYPOINT ["/app/start.sh"]\nCMD ["--fast"]')
OCI = "failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: "


@pytest.mark.parametrize(
    "requirements, dockerfile, reason, expected",
    [
        ("flask\n", DOCKERFILE, OCI + 'exec: "gunicorn": executable file not found in $PATH: unknown',
         ("requirements.txt", None, "gunicorn not found: add gunicorn to requirements.txt")),
        ("flask\ngunicorn ; sys_platform == 'win32'\n", DOCKERFILE,
         OCI + 'exec: "gunicorn": executable file not found in $PATH: unknown', ("requirements.txt", 2, "gunicorn")),
        # Required, yet not in the image's PATH: the command is what to look at.
        ("flask\ngunicorn\n", DOCKERFILE, OCI + 'exec: "gunicorn": executable file not found in $PATH: unknown',
         ("Dockerfile", 7, "gunicorn not found in the image")),
        ("flask\ngunicorn\n", SCRIPT_DOCKERFILE,
         OCI + 'exec: "/app/start.sh": stat /app/start.sh: no such file or directory: unknown',
         ("Dockerfile", 7, "/app/start.sh does not exist")),
        ("flask\ngunicorn\n", SCRIPT_DOCKERFILE, OCI + 'exec: "/app/start.sh": permission denied: unknown',
         ("Dockerfile", 7, "/app/start.sh is not executable")),
        ("flask\ngunicorn\n", DOCKERFILE, "unable to find user appuser: no matching entries in passwd file",
         ("Dockerfile", 6, "no user 'appuser'")),
        ("flask\ngunicorn\n", DOCKERFILE,
         OCI + 'chdir to cwd ("/app") set in config.json failed: permission denied: unknown',
         ("Dockerfile", 2, "cannot enter WORKDIR /app")),
        ("flask\ngunicorn\n", DOCKERFILE, OCI + "exec format error: unknown", ("Dockerfile", 7, "cannot start")),
    ],
)
def test_start_failure_on_the_line_of_its_fix(tmp_path, requirements, dockerfile, reason, expected):
    root = make_repo(tmp_path, {"Dockerfile": dockerfile, "requirements.txt": requirements, "app.py": ""})
    finding = smoke_boot.start_failure(Project(str(root)), reason)
    path, line, words = expected
    assert (finding.rule, finding.path, finding.line) == ("smoke-boot", path, line)
    assert words in finding.message
    assert finding.log == reason


def test_start_failure_without_a_dockerfile_has_no_place(tmp_path):
    root = make_repo(tmp_path, {"requirements.txt": "flask\ngunicorn\n"})
    finding = smoke_boot.start_failure(Project(str(root)), OCI + 'exec: "x": permission denied: unknown')
    assert (finding.path, finding.line) == (None, None)
