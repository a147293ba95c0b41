"""The build and smoke test on what Niblit would run: the spec's template when the repository's
Dockerfile drifts or is missing, on the real engine."""
from __future__ import annotations

import pathlib

import pytest

from deploy_check import Options
from deploy_check import check
from deploy_check.report import render
from deploy_check.runtime.source import DRIFT_NOTE
from deploy_check.runtime.source import MISSING_NOTE
from tests.conftest import EXAMPLE
from tests.conftest import untimed
from deploy_check.runtime.resources import LABEL

APPS = pathlib.Path(__file__).resolve().parents[1] / "apps"

pytestmark = pytest.mark.docker


@pytest.fixture
def leftovers(monkeypatch):
    """What this test's run left in the engine: its run id is fixed, so other runs on the same
    engine at the same time do not count."""
    import secrets

    run_id = "tb" + secrets.token_hex(3)
    monkeypatch.setattr("deploy_check.runtime.new_run_id", lambda: run_id)

    def left(client) -> list[str]:
        mine = {"label": f"{LABEL}={run_id}"}
        found = [c["Names"][0] for c in client.api.containers(all=True, filters=mine)]
        found += [v["Name"] for v in (client.api.volumes(filters=mine).get("Volumes") or [])]
        return found + [i["Id"] for i in client.api.images(filters=mine)]

    return left


def test_a_drifted_dockerfile_is_smoke_tested_with_the_template(docker_client, leftovers):
    # Its own Dockerfile builds FROM an image this engine does not have and serves port 8000:
    # built as it is, nothing would boot. The template's build boots, and a 500 from the app
    # is still placed on the user's own line.
    report = check(str(APPS / "drifted-dockerfile"), Options(smoke_paths=("/", "/broken")),
                   docker_client=docker_client)
    assert report.build.status == "ok"
    # The copy built has the safe fixes applied (the template written as Dockerfile among them).
    assert report.build.dockerfile == "template" and report.build.note.startswith(DRIFT_NOTE)
    assert report.build.fixed_tree and "your files are unchanged" in report.build.note
    assert report.smoke.answers == {"/": 200, "/broken": 500}
    runtime = [(f.rule, f.path, f.line) for f in untimed(report.findings) if f.rule.startswith(("smoke-", "build-"))]
    assert runtime == [("smoke-http", "app.py", 13)]
    assert any(f.rule == "dockerfile-base-image" for f in report.findings)  # the lint still says why
    assert DRIFT_NOTE in render("text", report)
    assert leftovers(docker_client) == []


def test_the_repositorys_own_dockerfile_when_asked(docker_client, leftovers):
    report = check(str(APPS / "drifted-dockerfile"), Options(build_dockerfile="repository"),
                   docker_client=docker_client)
    assert report.build.status == "failed" and report.build.dockerfile == "repository"
    assert report.build.note is None
    assert [f.rule for f in report.findings if f.rule == "build-failed"] == ["build-failed"]
    assert leftovers(docker_client) == []


def test_a_missing_dockerfile_is_smoke_tested_with_the_template(docker_client, leftovers):
    report = check(str(APPS / "no-dockerfile"), Options(), docker_client=docker_client)
    assert report.build.status == "ok" and report.smoke.status == "ok"
    assert report.build.dockerfile == "template" and report.build.note.startswith(MISSING_NOTE)
    assert [f.rule for f in untimed(report.findings)] == ["dockerfile-missing"]
    assert not (APPS / "no-dockerfile" / "Dockerfile").exists()  # a check writes nothing there
    assert leftovers(docker_client) == []


def test_a_template_dockerfile_changes_nothing(docker_client, leftovers):
    report = check(str(EXAMPLE), Options(skip_smoke=True), docker_client=docker_client)
    assert report.build.status == "ok"
    assert (report.build.dockerfile, report.build.fixed_tree) == ("repository", False)
    assert report.build.note is None
    assert leftovers(docker_client) == []


def test_the_template_runs_on_the_fixed_tree_and_findings_keep_the_users_lines(docker_client, leftovers):
    # app.run() at import would kill every gunicorn worker; the safe fix moves it under the main
    # guard in the copy that is built, so the app boots, and the 500 of /broken is placed on
    # its line in the user's file (14), not in the fixed copy (13).
    app = APPS / "fixable-no-dockerfile"
    before = (app / "app.py").read_bytes()
    report = check(str(app), Options(smoke_paths=("/", "/broken")), docker_client=docker_client)
    assert (report.build.dockerfile, report.build.fixed_tree) == ("template", True)
    assert report.smoke.answers == {"/": 200, "/broken": 500}
    runtime = [(f.rule, f.path, f.line) for f in untimed(report.findings) if f.rule.startswith(("smoke-", "build-"))]
    assert runtime == [("smoke-http", "app.py", 14)]
    assert (app / "app.py").read_bytes() == before and not (app / "Dockerfile").exists()
    assert leftovers(docker_client) == []


def test_sigterm_during_a_template_build_removes_its_copy_and_everything_else(docker_client, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "deploy_check", str(APPS / "fixable-no-dockerfile")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=dict(os.environ, TMPDIR=str(scratch)))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(scratch.glob("deploy-check-template-*/tree/app.py")):
        time.sleep(0.02)
    time.sleep(0.3)  # the build under way
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr
    assert list(scratch.glob("deploy-check-template-*")) == []
