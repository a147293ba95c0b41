"""Containers the engine cannot start because of the image: smoke-boot on the fix's line, report kept, exit 1."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.runtime.test_docker_apps import APPS
from tests.runtime.test_docker_apps import leftovers

pytestmark = pytest.mark.docker


@pytest.mark.parametrize(
    "app, place, words, lint",
    [
        ("no-gunicorn", ("requirements.txt", None), "gunicorn not found: add gunicorn to requirements.txt",
         ("requirements-gunicorn", "requirements.txt", None)),
        ("missing-user", ("Dockerfile", 22), "no user 'appuser'", ("dockerfile-template", "Dockerfile", 22)),
        ("missing-cmd", ("Dockerfile", 23), "/app/start.sh does not exist", ("dockerfile-cmd", "Dockerfile", 23)),
    ],
)
def test_start_failure_is_smoke_boot_with_the_whole_report(docker_client, tmp_path, app, place, words, lint):
    # The repository's own Dockerfile (auto would build the template instead of a drifted one).
    result = subprocess.run([sys.executable, "-m", "deploy_check", str(APPS / app), "--format", "json",
                             "--build-dockerfile", "repository", "--sarif", str(tmp_path / "out.sarif")],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    report = json.loads(result.stdout)
    found = {(f["rule"], f["path"], f["line"]): f for f in report["findings"]}
    boot = found[("smoke-boot", *place)]
    assert words in boot["message"]
    assert lint in found  # the lint's findings are all still there
    assert report["build"]["status"] == "ok" and report["smoke"]["status"] == "failed"
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"smoke-boot", lint[0]}
    assert leftovers(docker_client) == []
