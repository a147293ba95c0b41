"""The action's pull-request side against a local fake of GitHub's REST API (tests/fake_github.py)."""
from __future__ import annotations

import dataclasses
import json
import shutil

import pytest

from deploy_check import baseline
from deploy_check import rules
from deploy_check.finding import Edit
from deploy_check.finding import Fix
from deploy_check.report import suggestions
from deploy_check.rules import dockerfile_base_image
from tests.conftest import BROKEN
from tests.conftest import EXAMPLE
from tests.fake_github import TOKEN
from tests.fake_github import FakeGitHub
from tests.test_action import run

BASE_SHA = "b" * 40
HEAD_SHA = "c" * 40


@pytest.fixture
def api():
    fake = FakeGitHub()
    yield fake
    fake.close()


@pytest.fixture
def read_only_api():
    fake = FakeGitHub(write=False)
    yield fake
    fake.close()


def added(text: str) -> str:
    """The files API's patch of a file the pull request added."""
    lines = text.splitlines()
    return f"@@ -0,0 +1,{len(lines)} @@\n" + "\n".join("+" + line for line in lines)


def pr_env(tmp_path, api, run_id="1", number=7, **extra):
    event = tmp_path / f"event-{run_id}.json"
    event.write_text(json.dumps({"pull_request": {
        "number": number, "base": {"sha": BASE_SHA, "ref": "main", "repo": {"full_name": "niblit/demo"}},
        "head": {"sha": HEAD_SHA, "ref": "feature", "repo": {"full_name": "someone/demo"}}}}))
    return {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event), "GITHUB_API_URL": api.url,
            "GITHUB_SHA": "d" * 40, "GITHUB_RUN_ID": run_id, "GITHUB_SERVER_URL": "https://github.example",
            "INPUT_GITHUB-TOKEN": TOKEN, **extra}


def push_env(tmp_path, api, sha=BASE_SHA):
    event = tmp_path / "push.json"
    event.write_text(json.dumps({"ref": "refs/heads/main", "after": sha}))
    return {"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(event), "GITHUB_API_URL": api.url,
            "GITHUB_SHA": sha, "GITHUB_RUN_ID": "1", "INPUT_GITHUB-TOKEN": TOKEN}


def in_tmp(tmp_path, app, name):
    copy = tmp_path / name
    shutil.copytree(app, copy)
    return copy


def comment_bodies(api):
    return [c["body"] for c in api.comments.values()]


def test_first_run_posts_one_comment_and_the_next_edits_it_in_place(tmp_path, api):
    app = BROKEN / "wrong-port"
    api.files[7] = [{"filename": "app/Dockerfile", "status": "added", "patch": added((app / "Dockerfile").read_text())}]
    status, log, *_ = run(tmp_path / "1", app, pr_env(tmp_path, api, run_id="1"))
    assert status == 1
    assert len(api.comments) == 1
    (body,) = comment_bodies(api)
    assert body.splitlines()[0] == "<!-- deploy-check:comment app=app -->"
    assert "❌ deploy-check failed" in body and "No baseline yet" in body
    assert "app/Dockerfile:1" in body and "actions/runs/1" in body
    assert all(r.authorization == f"Bearer {TOKEN}" for r in api.requests)
    assert TOKEN not in log.replace(f"::add-mask::{TOKEN}", "")

    status, *_ = run(tmp_path / "2", app, pr_env(tmp_path, api, run_id="2"))
    assert status == 1
    assert len(api.comments) == 1 and "actions/runs/2" in comment_bodies(api)[0]
    writes = [(r.method, r.path) for r in api.writes()]
    assert writes == [("POST", "/repos/niblit/demo/issues/7/comments"),
                      ("PATCH", f"/repos/niblit/demo/issues/comments/{next(iter(api.comments))}")]


def test_one_comment_per_app(tmp_path, api):
    app = BROKEN / "wrong-port"
    run(tmp_path / "1", app, pr_env(tmp_path, api))
    run(tmp_path / "2", app, pr_env(tmp_path, api), path="app/.")  # the same app, said another way
    assert len(api.comments) == 1
    api.comments[next(iter(api.comments))]["body"] += "\n(someone quoted it)"
    run(tmp_path / "3", app, pr_env(tmp_path, api))
    assert len(api.comments) == 1


def test_push_records_the_baseline_and_the_pull_request_compares_with_it(tmp_path, api):
    base_app = in_tmp(tmp_path, BROKEN / "wrong-port", "base")
    status, log, *_ = run(tmp_path / "push", base_app, push_env(tmp_path, api))
    assert status == 1 and "::notice" not in log
    (check_run,) = api.check_runs
    assert check_run["name"] == "deploy-check baseline (app)" and check_run["head_sha"] == BASE_SHA
    assert check_run["conclusion"] == "failure"
    stored = baseline.decode(check_run["output"]["text"])
    assert stored is not None and stored.counts["error"] == 4

    head_app = in_tmp(tmp_path, BROKEN / "wrong-port", "head")
    dockerfile = head_app / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("python:3.11-slim", "python:3.12-slim"))
    (head_app / ".env").write_text("FLASK_APP=app.py\n")  # a .env with no secret in it: one new finding
    status, *_ = run(tmp_path / "pr", head_app, pr_env(tmp_path, api))
    assert status == 1
    (body,) = comment_bodies(api)
    assert "Compared with `main` at bbbbbbb" in body and "No baseline yet" not in body
    new = body.split("**New findings** (")[1].split("**Fixed**")[0]
    assert "secret-file" in new and "dockerfile-port" not in new
    fixed = body.split("**Fixed** (1)")[1].split("**Figures**")[0]
    assert "dockerfile-base-image" in fixed and "app/Dockerfile:1" in fixed


def test_baseline_is_looked_for_on_the_base_branch_when_the_base_commit_has_none(tmp_path, api):
    run(tmp_path / "push", BROKEN / "wrong-port", push_env(tmp_path, api, sha="e" * 40))
    api.commits["main"] = [BASE_SHA, "e" * 40]
    run(tmp_path / "pr", BROKEN / "wrong-port", pr_env(tmp_path, api))
    (body,) = comment_bodies(api)
    assert "Compared with `main` at eeeeeee" in body and "**New findings**: none." in body


def test_fork_read_only_token_is_summary_only_and_never_fails_the_step(tmp_path, read_only_api):
    status, log, *_ = run(tmp_path, EXAMPLE, pr_env(tmp_path, read_only_api))
    assert status == 0
    assert "::error" not in log
    assert "::notice title=deploy-check::no pull-request comment: the token may not write here" in log
    summary = (tmp_path / "summary").read_text()
    assert "deploy-check passed" in summary and "read-only" in summary
    assert [r.method for r in read_only_api.writes()] == ["POST"]  # one try, answered 403


def test_fork_failing_app_fails_for_its_findings_only(tmp_path, read_only_api):
    status, log, *_ = run(tmp_path, BROKEN / "wrong-port", pr_env(tmp_path, read_only_api))
    assert status == 1 and log.count("::error") == 4


def test_push_without_checks_write_is_a_notice(tmp_path, read_only_api):
    status, log, *_ = run(tmp_path, EXAMPLE, push_env(tmp_path, read_only_api))
    assert status == 0 and "checks: write" in log and "::error" not in log


def test_api_down_is_a_notice(tmp_path):
    fake = FakeGitHub()
    url = fake.url
    fake.close()
    status, log, *_ = run(tmp_path, EXAMPLE, {**pr_env(tmp_path, fake), "GITHUB_API_URL": url})
    assert status == 0 and "::notice title=deploy-check::GitHub's API" in log


def test_no_token_no_calls(tmp_path, api):
    environ = pr_env(tmp_path, api)
    del environ["INPUT_GITHUB-TOKEN"]
    status, *_ = run(tmp_path, EXAMPLE, environ)
    assert status == 0 and api.requests == []


def test_only_changed_limits_annotations_and_comment_not_the_verdict(tmp_path, api):
    app = BROKEN / "wrong-port"
    # The pull request changed only the FROM line (line 1) of the Dockerfile.
    api.files[7] = [{"filename": "app/Dockerfile", "status": "modified",
                     "patch": "@@ -1 +1 @@\n-FROM python:3.12-slim\n+FROM python:3.11-slim"}]
    status, log, outputs, _ = run(tmp_path, app, pr_env(tmp_path, api), **{"only-changed": "true"})
    assert status == 1 and outputs["errors"] == "4"
    assert "::error title=dockerfile-base-image,file=app/Dockerfile,line=1," in log
    assert "title=dockerfile-port" not in log and "title=app-port" not in log
    (body,) = comment_bodies(api)
    assert "dockerfile-base-image" in body and "dockerfile-port" not in body
    assert "only-changed" in body and "(4)" in body
    assert "dockerfile-port" in (tmp_path / "summary").read_text()  # the summary keeps everything


def test_only_changed_falls_back_to_git_diff_without_a_token(tmp_path, api):
    import subprocess

    repo = tmp_path / "ws"
    shutil.copytree(EXAMPLE, repo / "app")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(git + ["-C", str(repo), "add", "-A"], check=True)
    subprocess.run(git + ["-C", str(repo), "commit", "-qm", "base"], check=True)
    base = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    dockerfile = repo / "app" / "Dockerfile"
    lines = dockerfile.read_text().splitlines()
    lines[0] = "FROM python:3.10-slim"
    dockerfile.write_text("\n".join(lines) + "\n")
    app_py = repo / "app" / "app.py"
    app_py.write_text(app_py.read_text() + "\napp.run(port=8080)\n")
    subprocess.run(git + ["-C", str(repo), "commit", "-qam", "head"], check=True)
    from deploy_check import changed_lines

    changed = changed_lines.from_git(str(repo), base, "HEAD")
    assert changed is not None and changed.lines["app/Dockerfile"] == {1: "FROM python:3.10-slim"}
    count = len(app_py.read_text().splitlines())
    assert changed.lines["app/app.py"] == {count - 1: "", count: "app.run(port=8080)"}


class _WithFix:
    """dockerfile-base-image with a safe fix, whatever the rule itself proposes."""

    RULE = dockerfile_base_image.RULE

    @staticmethod
    def check(project):
        for finding in dockerfile_base_image.check(project):
            text = project.line(finding.path, finding.line) or ""
            yield dataclasses.replace(finding, fix=Fix(True, (Edit(finding.path, finding.line, 1, finding.line, len(text) + 1,
                                                      "FROM python:3.12-slim"),), "use the spec's base image"))


@pytest.fixture
def base_image_fix(monkeypatch):
    monkeypatch.setattr(rules, "STATIC_RULES", tuple(_WithFix if m is dockerfile_base_image else m
                                                     for m in rules.STATIC_RULES))


def dockerfile_patch(app):
    return [{"filename": "app/Dockerfile", "status": "added", "patch": added((app / "Dockerfile").read_text())}]


def test_fix_suggestions_one_review_replaced_on_the_next_run(tmp_path, api, base_image_fix):
    app = in_tmp(tmp_path, BROKEN / "wrong-port", "app1")
    api.files[7] = dockerfile_patch(app)
    inputs = {"fix-suggestions": "true"}
    run(tmp_path / "1", app, pr_env(tmp_path, api, run_id="1"), **inputs)
    (review,) = api.reviews.values()
    assert review["commit_id"] == HEAD_SHA and review["body"].startswith("<!-- deploy-check:review app=app -->")
    (suggestion,) = api.review_comments.values()
    assert suggestion["path"] == "app/Dockerfile" and suggestion["line"] == 1 and suggestion["side"] == "RIGHT"
    assert "```suggestion\nFROM python:3.12-slim\n```" in suggestion["body"]
    assert "1 safe fix(es) on the changed lines" in comment_bodies(api)[0]

    run(tmp_path / "2", app, pr_env(tmp_path, api, run_id="2"), **inputs)  # nothing changed: left alone
    assert len(api.reviews) == 1 and len(api.review_comments) == 1

    dockerfile = app / "Dockerfile"
    dockerfile.write_text("# a comment first\n" + dockerfile.read_text())
    api.files[7] = dockerfile_patch(app)
    run(tmp_path / "3", app, pr_env(tmp_path, api, run_id="3"), **inputs)
    first, second = api.reviews.values()
    assert first["body"] == suggestions.SUPERSEDED
    (suggestion,) = api.review_comments.values()
    assert suggestion["review_id"] == second["id"] and suggestion["line"] == 2

    api.files[7] = [{"filename": "app/app.py", "status": "modified", "patch": "@@ -1 +1 @@\n-x\n+import os"}]
    run(tmp_path / "4", app, pr_env(tmp_path, api, run_id="4"), **inputs)
    assert api.review_comments == {} and all(r["body"] == suggestions.SUPERSEDED for r in api.reviews.values())
    body = comment_bodies(api)[0]
    # The base image's fix, plus the template fix that dockerfile-env and dockerfile-port (twice) carry.
    assert "Safe fixes outside this pull request's changed lines** (4)" in body
    assert "use the spec&#x27;s base image" in body and "not on lines this pull request changed" in body


def test_fix_suggestions_with_a_read_only_token_fall_back_to_the_summary_diff(tmp_path, read_only_api,
                                                                              base_image_fix):
    read_only_api.files[7] = dockerfile_patch(BROKEN / "wrong-port")
    status, log, *_ = run(tmp_path, BROKEN / "wrong-port", pr_env(tmp_path, read_only_api),
                          **{"fix-suggestions": "true"})
    assert status == 1 and log.count("::error") == 4
    summary = (tmp_path / "summary").read_text()
    assert "```diff\n--- a/Dockerfile\n+++ b/Dockerfile\n" in summary
    assert "-FROM python:3.11-slim\n+FROM python:3.12-slim\n" in summary


def test_a_failing_review_still_leaves_the_comment(tmp_path, api, base_image_fix):
    api.files[7] = dockerfile_patch(BROKEN / "wrong-port")
    api.failures["POST /pulls/7/reviews"] = 500
    status, log, *_ = run(tmp_path, BROKEN / "wrong-port", pr_env(tmp_path, api), **{"fix-suggestions": "true"})
    assert status == 1 and "no review of suggestions: GitHub's API: POST" in log
    assert len(api.comments) == 1 and api.reviews == {}
    assert "```diff" in (tmp_path / "summary").read_text()


def test_a_token_is_never_handed_to_the_app(tmp_path, api):
    status, log, *_ = run(tmp_path, EXAMPLE, {**pr_env(tmp_path, api), "GH": TOKEN}, env="GH")
    assert status == 2 and log.count("::error") == 1 and "input env: GH carries a GitHub token" in log
    assert TOKEN not in log and api.requests == []


def test_bad_flag_inputs_exit_2(tmp_path, api):
    for name in ("only-changed", "fix-suggestions"):
        status, log, *_ = run(tmp_path / name, EXAMPLE, pr_env(tmp_path, api), **{name: "sometimes"})
        assert status == 2 and log.count("::error") == 1
    assert api.requests == []
