"""--list-apps and the action's list-apps mode: which folders are Niblit apps, and their matrix names."""
from __future__ import annotations

import io
import json
import os
import pathlib
import subprocess
import sys

import pytest

from deploy_check import action
from deploy_check.artifact import validate_name
from deploy_check.apps import find_apps
from deploy_check.apps import for_matrix
from deploy_check.project import Project
from tests.conftest import ROOT

FLASK_APP = "from flask import Flask\napp = Flask(__name__)\n"


def write(root: pathlib.Path, files: dict[str, str]) -> pathlib.Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def listed(root: pathlib.Path, root_name: str | None = None) -> list[tuple[str, str]]:
    return [(app.path, app.name) for app in find_apps(Project(str(root)), root_name)]


def test_each_marker_with_flask_evidence_makes_an_app(tmp_path):
    write(tmp_path, {
        "shop/app.py": FLASK_APP,                                         # app.py importing flask
        "api/requirements.txt": "# pinned\nFlask[async]==3.0 ; python_version >= '3'\n",  # requires Flask
        "worker/Dockerfile": 'FROM python:3.12-slim\nCMD ["gunicorn", "app:app"]\n',      # runs gunicorn
        "blog/app.py": "import flask.json\n",
        "draft/app.py": "from flask import (\n",                        # does not parse yet: still an app
    })
    assert listed(tmp_path) == [("api", "api"), ("blog", "blog"), ("draft", "draft"), ("shop", "shop"),
                                ("worker", "worker")]


def test_folders_that_are_not_flask_apps_are_left_out(tmp_path):
    write(tmp_path, {
        "frontend/Dockerfile": "FROM node:20\nCMD [\"node\", \"server.js\"]\n",
        "scripts/requirements.txt": "requests\nflask-cors-but-not-flask==1\n",
        "cli/app.py": "import click\nfrom .flask import thing\n",     # a relative `flask` is not Flask
        "notes/app.py": "# from flask import Flask, one day\nimport flaskish\n",
        "docs/README.md": "app.py\n",
    })
    assert listed(tmp_path) == []


def test_venvs_node_modules_tests_and_fixtures_are_not_searched(tmp_path):
    write(tmp_path, {
        "app.py": FLASK_APP,
        "env/pyvenv.cfg": "home = /usr\n",
        "env/lib/site/app.py": FLASK_APP,
        "venv/app.py": FLASK_APP,
        "node_modules/pkg/app.py": FLASK_APP,
        "tests/apps/broken/app.py": FLASK_APP,
        "test/app.py": FLASK_APP,
        "spec/fixtures/demo/app.py": FLASK_APP,
        ".git/app.py": FLASK_APP,
        "services/real/requirements.txt": "flask\n",
    })
    assert listed(tmp_path, "demo") == [(".", "demo"), ("services/real", "services-real")]


def test_names_are_distinct_and_valid_artifact_names(tmp_path):
    write(tmp_path, {
        "a-b/c/app.py": FLASK_APP,
        "a/b-c/app.py": FLASK_APP,
        "we:ird?/app.py": FLASK_APP,
    })
    apps = listed(tmp_path)
    assert apps == [("a-b/c", "a-b-c"), ("a/b-c", "a-b-c-2"), ("we:ird?", "we_ird_")]
    for _, name in apps:
        validate_name(f"{name}-niblit")        # what the upload checks: raises on a bad name


def test_a_symlinked_marker_out_of_the_repository_is_not_followed(tmp_path):
    outside = write(tmp_path / "outside", {"app.py": FLASK_APP})
    repo = tmp_path / "repo"
    (repo / "linked").mkdir(parents=True)
    os.symlink(outside / "app.py", repo / "linked" / "app.py")
    os.symlink(outside, repo / "dir-link")
    assert listed(repo) == []


def test_a_matrix_takes_at_most_256_apps_and_the_rest_is_said(tmp_path):
    write(tmp_path, {f"svc{n:03}/app.py": FLASK_APP for n in range(300)})
    apps = find_apps(Project(str(tmp_path)))
    listing, warning = for_matrix(apps)
    assert len(apps) == 300 and [app["path"] for app in json.loads(listing)] == [f"svc{n:03}" for n in range(256)]
    assert warning is not None and "first 256 of 300 apps" in warning
    assert for_matrix(apps[:256])[1] is None


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "deploy_check", *args], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "GITHUB_ACTIONS": ""})


def test_cli_prints_one_json_line_for_a_matrix():
    result = cli("--list-apps", str(ROOT / "examples"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1
    assert json.loads(result.stdout) == [
        {"path": "broken/factory-only", "name": "broken-factory-only"},
        {"path": "broken/local-storage", "name": "broken-local-storage"},
        {"path": "broken/wrong-port", "name": "broken-wrong-port"},
    ]


@pytest.mark.parametrize("target", ["does-not-exist", "README.md"])
def test_cli_bad_path_is_one_line_and_exit_2(target):
    result = cli("--list-apps", str(ROOT / target))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("deploy-check: error: ")


def run_action(tmp_path: pathlib.Path, path: str) -> tuple[int, str, str]:
    workspace = write(tmp_path / "ws", {
        "app.py": FLASK_APP,
        "services/shop/app.py": FLASK_APP,
        "services/api/requirements.txt": "flask\ngunicorn\n",
        "services/tests/fixture/app.py": FLASK_APP,
    })
    output = tmp_path / "out"
    environ = {"GITHUB_WORKSPACE": str(workspace), "GITHUB_OUTPUT": str(output), "GITHUB_REPOSITORY": "niblit/mono",
               "INPUT_PATH": path, "INPUT_LIST-APPS": "true"}
    out = io.StringIO()
    status = action.main(environ, out)
    text = output.read_text()
    name, rest = text.split("<<", 1)
    delimiter, value = rest.split("\n", 1)
    assert name == "apps" and value.endswith(f"\n{delimiter}\n")
    return status, out.getvalue(), value.removesuffix(f"\n{delimiter}\n")


def test_action_list_apps_mode_sets_the_apps_output_with_workspace_paths(tmp_path):
    status, log, value = run_action(tmp_path, ".")
    assert status == 0
    assert json.loads(value) == [{"path": ".", "name": "mono"}, {"path": "services/api", "name": "services-api"},
                                 {"path": "services/shop", "name": "services-shop"}]
    assert "3 Niblit app(s)" in log and "::error" not in log
    assert not (tmp_path / "ws" / ".deploy-check").exists()


def test_action_list_apps_under_a_subfolder_keeps_paths_workspace_relative(tmp_path):
    status, _, value = run_action(tmp_path, "services")
    assert status == 0
    assert json.loads(value) == [{"path": "services/api", "name": "api"}, {"path": "services/shop", "name": "shop"}]
