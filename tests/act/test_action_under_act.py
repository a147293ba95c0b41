"""The action end to end under act (a real Actions runner) with its artifact server."""
from __future__ import annotations

import hashlib
import pathlib
import re
import shutil
import socket
import subprocess
import zipfile

import pytest

from deploy_check import Options
from deploy_check import check
from tests.conftest import BROKEN
from tests.conftest import EXAMPLE
from tests.conftest import ROOT

pytestmark = [pytest.mark.docker, pytest.mark.act]
ACTION_FILES = ["action.yml", "Dockerfile", ".dockerignore", "entrypoint.py", "action-requirements.txt"]
WORKFLOW = """name: check
on: push
jobs:
  niblit:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: dc
        uses: ./
        with:
          path: app
          artifact-name: app-niblit
          smoke-paths: {smoke}
          skip-build: {skip_build}
      - if: always()
        run: echo "OUTPUTS zip=${{{{ steps.dc.outputs.zip-path }}}} sha=${{{{ steps.dc.outputs.zip-sha256 }}}} errors=${{{{ steps.dc.outputs.errors }}}} artifact=${{{{ steps.dc.outputs.artifact-id }}}}"
"""


def make_repo(tmp_path: pathlib.Path, app: pathlib.Path, smoke: str = "/", skip_build: str = "false") -> pathlib.Path:
    return make_action_repo(tmp_path, {"app": app}, WORKFLOW.format(smoke=smoke, skip_build=skip_build))


def make_action_repo(tmp_path: pathlib.Path, apps: dict[str, pathlib.Path], workflow: str) -> pathlib.Path:
    """A git repository holding the action under test (`uses: ./`), the apps at their folders and the workflow."""
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    for name in ACTION_FILES:
        shutil.copy(ROOT / name, repo / name)
    shutil.copytree(ROOT / "src" / "deploy_check", repo / "src" / "deploy_check",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for folder, app in apps.items():
        shutil.copytree(app, repo / folder)
    (repo / ".github" / "workflows" / "check.yml").write_text(workflow)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(git + ["add", "-A"], cwd=repo, check=True)
    subprocess.run(git + ["commit", "-qm", "test"], cwd=repo, check=True)
    return repo


def free_port() -> str:
    """A loopback port nobody listens on now: act's artifact server defaults to 34567, which
    another session's act on the same machine may hold ("bind: address already in use")."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return str(sock.getsockname()[1])


def run_act(act: str, repo: pathlib.Path, artifacts: pathlib.Path, *extra: str) -> subprocess.CompletedProcess[str]:
    port = [] if "--artifact-server-port" in extra else ["--artifact-server-port", free_port()]
    return subprocess.run(
        [act, "push", "--rm", "-P", "ubuntu-latest=python:3.12-slim", "--pull=false",
         "--artifact-server-path", str(artifacts), "--artifact-server-addr", "127.0.0.1",
         "--cache-server-addr", "127.0.0.1", *port, *extra],
        cwd=repo, capture_output=True, text=True, timeout=900,
    )


def test_example_passes_and_uploads_the_same_zip_as_the_cli(act_binary, docker_client, tmp_path):
    repo = make_repo(tmp_path, EXAMPLE, smoke="/,/health")
    artifacts = tmp_path / "artifacts"
    result = run_act(act_binary, repo, artifacts)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    outputs = re.search(r"OUTPUTS zip=(\S+) sha=([0-9a-f]{64}) errors=0 artifact=(\d+)", result.stdout)
    assert outputs, result.stdout[-4000:]
    uploaded = list(artifacts.glob("*/app-niblit/app-niblit.zip"))
    assert len(uploaded) == 1
    data = uploaded[0].read_bytes()
    assert hashlib.sha256(data).hexdigest() == outputs.group(2)

    cli_zip = tmp_path / "cli.zip"
    check(str(EXAMPLE), Options(skip_build=True, zip_path=str(cli_zip)))
    assert hashlib.sha256(cli_zip.read_bytes()).hexdigest() == outputs.group(2)
    with zipfile.ZipFile(uploaded[0]) as archive:
        assert archive.namelist() == zipfile.ZipFile(cli_zip).namelist()


def test_broken_app_fails_with_annotations_on_the_exact_lines(act_binary, docker_client, tmp_path):
    repo = make_repo(tmp_path, BROKEN / "wrong-port", skip_build="true")
    result = run_act(act_binary, repo, tmp_path / "artifacts")
    assert result.returncode != 0
    log = result.stdout
    assert "::error title=dockerfile-base-image,file=app/Dockerfile,line=1," in log
    assert "::error title=dockerfile-port,file=app/Dockerfile,line=16," in log
    assert "::warning title=app-port,file=app/app.py,line=12," in log
    assert "errors=4" in log
    assert not list((tmp_path / "artifacts").glob("*/app-niblit/*.zip"))


SUMMARY_WORKFLOW = """name: check
on: push
jobs:
  niblit:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: dc
        uses: ./
        with:
          path: app
          skip-build: true
"""


def test_the_job_summary_shows_the_safe_fixes_as_one_collapsed_diff(act_binary, docker_client, tmp_path):
    app = tmp_path / "app"
    shutil.copytree(EXAMPLE, app)
    (app / "requirements.txt").write_text("flask\n")
    (app / "Dockerfile").write_text("FROM python:3.11\n" + (app / "Dockerfile").read_text().split("\n", 1)[1])
    repo = make_action_repo(tmp_path, {"app": app}, SUMMARY_WORKFLOW)
    result = run_act(act_binary, repo, tmp_path / "artifacts")
    assert result.returncode != 0  # the errors still fail the step
    # act echoes what a step wrote to GITHUB_STEP_SUMMARY after "Summary - " in its log.
    assert "Summary - " in result.stdout, result.stdout[-4000:]
    summary = result.stdout.split("Summary - ", 1)[1]
    assert "<summary>Safe fixes for 2 files" in summary, result.stdout[-4000:]
    assert "+++ b/app/requirements.txt" not in summary  # paths are the app's, as --diff prints them
    for line in ("--- a/requirements.txt", "+gunicorn", "-FROM python:3.11", "+FROM python:3.12-slim", "</details>"):
        assert line in summary, line


BUILD_DOCKERFILE_WORKFLOW = """name: check
on: push
jobs:
  niblit:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: asked
        uses: ./
        with:
          path: app
          skip-smoke: true
          build-dockerfile: template
      - if: always()
        run: python3 -c "import json, sys; b = json.load(open(sys.argv[1]))['build']; print('BUILD asked', b['dockerfile'], b['status'], b.get('note'))" "${{ steps.asked.outputs.report-json }}"
      - id: auto
        uses: ./
        with:
          path: app
          skip-smoke: true
      - if: always()
        run: python3 -c "import json, sys; b = json.load(open(sys.argv[1]))['build']; print('BUILD auto', b['dockerfile'], b['status'], b.get('note'))" "${{ steps.auto.outputs.report-json }}"
"""


def test_the_build_dockerfile_input_reaches_the_build(act_binary, docker_client, tmp_path):
    # The example's Dockerfile is the template: auto builds the repository's, and only the
    # input makes the build use the spec's own (from outside the tree), as the report says.
    repo = make_action_repo(tmp_path, {"app": EXAMPLE}, BUILD_DOCKERFILE_WORKFLOW)
    result = run_act(act_binary, repo, tmp_path / "artifacts")
    log = result.stdout
    assert result.returncode == 0, log[-4000:] + result.stderr[-2000:]
    assert re.search(r"BUILD asked template ok smoke-tested with the spec's template, as --build-dockerfile template asks",
                     log), log[-4000:]
    assert re.search(r"BUILD auto repository ok None", log), log[-4000:]
