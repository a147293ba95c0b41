"""The pull-request side under act (a real Actions runner), talking to the local fake REST API.

The fake listens on 127.0.0.1: act's job container uses the host's network and the action's
container joins the job container's, so the action reaches it there; act's `--env` points
GITHUB_API_URL at it, as the runner would for GitHub Enterprise.
"""
from __future__ import annotations

import json
import pathlib
import re
import secrets
import subprocess

import pytest

from tests.act.test_action_under_act import free_port
from tests.act.test_action_under_act import make_repo
from tests.conftest import BROKEN
from tests.conftest import EXAMPLE
from tests.fake_github import TOKEN
from tests.fake_github import FakeGitHub

pytestmark = [pytest.mark.docker, pytest.mark.act]
WORKFLOW = """name: pr-{run}
on: pull_request
jobs:
  niblit:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: dc
        uses: ./
        with:
          path: app
          skip-build: "true"
          github-token: ${{ secrets.GITHUB_TOKEN }}
          only-changed: "true"
      - if: always()
        run: echo "OUTPUTS passed=${{ steps.dc.outputs.passed }} report=${{ steps.dc.outputs.report-json }}"
"""


def run_pull_request(act: str, tmp_path: pathlib.Path, app: pathlib.Path, api: FakeGitHub,
                     head_repository: str) -> subprocess.CompletedProcess[str]:
    repo = make_repo(tmp_path, app, skip_build="true")
    # A name of its own: act names its containers after the workflow, and others may run this test at once.
    (repo / ".github" / "workflows" / "check.yml").write_text(WORKFLOW.replace("{run}", secrets.token_hex(4)))
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qam", "pr"],
                   cwd=repo, check=True)
    # act names the repository after the origin remote (never contacted: checkout copies the tree)
    subprocess.run(["git", "remote", "add", "origin", "https://github.com/niblit/demo.git"], cwd=repo, check=True)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {
        "number": 7, "base": {"sha": "b" * 40, "ref": "main", "repo": {"full_name": "niblit/demo"}},
        "head": {"sha": "c" * 40, "ref": "feature", "repo": {"full_name": head_repository}}}}))
    try:
        return subprocess.run(
            [act, "pull_request", "-e", str(event), "--rm", "-P", "ubuntu-latest=python:3.12-slim",
             "--pull=false", "-s", f"GITHUB_TOKEN={TOKEN}", "--env", f"GITHUB_API_URL={api.url}",
             "--artifact-server-path", str(tmp_path / "artifacts"),
             "--artifact-server-addr", "127.0.0.1", "--cache-server-addr", "127.0.0.1",
             "--artifact-server-port", free_port()],
            cwd=repo, capture_output=True, text=True, timeout=900)
    finally:
        api.close()


def test_comment_posted_from_the_action_container(act_binary, docker_client, tmp_path):
    api = FakeGitHub()
    api.files[7] = [{"filename": "app/Dockerfile", "status": "modified",
                     "patch": "@@ -1 +1 @@\n-FROM python:3.12-slim\n+FROM python:3.11-slim"}]
    result = run_pull_request(act_binary, tmp_path, BROKEN / "wrong-port", api, "niblit/demo")
    log = result.stdout
    assert result.returncode != 0, log[-3000:]  # the app's errors fail the step, as they should
    assert re.search(r"OUTPUTS passed=false report=\.deploy-check/\S+\.json", log), log[-3000:] + result.stderr[-2000:]
    assert "::error title=dockerfile-base-image,file=app/Dockerfile,line=1," in log
    assert "title=dockerfile-port" not in log  # only-changed: lines 16 and 18 were not changed
    assert "only-changed: 4 findings on lines this pull request did not change are not annotated" in log
    posts = [r for r in api.requests if r.method == "POST"]
    assert [r.path for r in posts] == ["/repos/niblit/demo/issues/7/comments"], [vars(r) for r in api.requests]
    assert all(r.authorization == f"Bearer {TOKEN}" for r in api.requests)
    body = posts[0].body["body"]
    assert body.startswith("<!-- deploy-check:comment app=app -->") and "dockerfile-base-image" in body
    assert TOKEN not in log


def test_fork_read_only_token_under_act_passes_with_a_notice(act_binary, docker_client, tmp_path):
    api = FakeGitHub(write=False)
    result = run_pull_request(act_binary, tmp_path, EXAMPLE, api, "someone/demo")
    log = result.stdout
    assert result.returncode == 0, log[-3000:] + result.stderr[-2000:]
    assert "OUTPUTS passed=true" in log
    assert "::notice title=deploy-check::no pull-request comment: the token may not write here" in log
    assert [r.method for r in api.requests if r.method != "GET"] == ["POST"] and api.comments == {}
