"""deploy_check.action.main with its environment passed in (no Docker: skip-build)."""
from __future__ import annotations

import hashlib
import io
import json
import shutil

import pytest

from deploy_check import action
from tests.conftest import BROKEN
from tests.conftest import EXAMPLE


def run(tmp_path, app, step_env=None, **inputs):
    workspace = tmp_path / "ws"
    shutil.copytree(app, workspace / "app")
    environ = {"GITHUB_WORKSPACE": str(workspace), "GITHUB_OUTPUT": str(tmp_path / "out"),
               "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"), "GITHUB_REPOSITORY": "niblit/demo",
               "INPUT_PATH": "app", "INPUT_SKIP-BUILD": "true"}
    environ.update({f"INPUT_{k.upper()}": v for k, v in inputs.items()})
    environ.update(step_env or {})
    out = io.StringIO()
    status = action.main(environ, out)
    outputs = {}
    if (tmp_path / "out").exists():
        text = (tmp_path / "out").read_text()
        for block in text.split("\n"):
            if "<<ghadelimiter_" in block:
                name = block.split("<<")[0]
                value = text.split(block + "\n", 1)[1].split("\n", 1)[0]
                outputs[name] = value if not value.startswith("ghadelimiter_") else ""
    return status, out.getvalue(), outputs, workspace


def test_clean_app_gives_zip_and_outputs(tmp_path):
    status, log, outputs, workspace = run(tmp_path, EXAMPLE)
    assert status == 0
    assert outputs["errors"] == "0" and outputs["zip-path"] == ".deploy-check/demo-niblit.zip"
    assert (workspace / outputs["zip-path"]).exists() and len(outputs["zip-sha256"]) == 64
    assert "no artifact service here" in log
    assert "passed" in (tmp_path / "summary").read_text()


def test_broken_app_annotates_with_workspace_paths_and_fails(tmp_path):
    status, log, outputs, workspace = run(tmp_path, BROKEN / "wrong-port")
    assert status == 1
    assert "::error title=dockerfile-base-image,file=app/Dockerfile,line=1," in log
    assert outputs["errors"] == "4" and outputs["zip-path"] == ""
    assert [p.name for p in (workspace / ".deploy-check").iterdir()] == ["demo-niblit.json"]  # no zip
    assert "must be fixed first" in (tmp_path / "summary").read_text()


def test_fail_on_never(tmp_path):
    status, *_ = run(tmp_path, BROKEN / "wrong-port", **{"fail-on": "never"})
    assert status == 0


def test_secrets_are_masked_before_anything_else(tmp_path):
    status, log, *_ = run(tmp_path, BROKEN / "local-storage")
    lines = log.splitlines()
    masks = [i for i, line in enumerate(lines) if line.startswith("::add-mask::")]
    assert masks and masks == list(range(len(masks)))
    assert any("s3cr3t-k3y-that-ships-with-the-code" in lines[i] for i in masks)


def test_env_input_values_are_masked_and_never_printed_otherwise(tmp_path):
    environ_value = "tok-" + "Zq8vW2mL0pXr"
    status, log, *_ = run(tmp_path, EXAMPLE, {"API_TOKEN": environ_value},
                              env="# a comment\nAPI_TOKEN\nPLAIN=visible-value\n")
    assert status == 0
    lines = log.splitlines()
    assert f"::add-mask::{environ_value}" in lines[:5] and "::add-mask::visible-value" in lines[:5]
    assert sum(environ_value in line for line in lines) == 1


def test_sarif_file_input(tmp_path):
    run(tmp_path, BROKEN / "wrong-port", **{"sarif-file": "dc.sarif"})
    assert (tmp_path / "ws" / "dc.sarif").read_text().startswith("{")


@pytest.mark.parametrize("inputs", [{"tier": "gold"}, {"fail-on": "x"}, {"timeout": "soon"}, {"ignore": "nope"},
                                    {"artifact-name": "a/b"}, {"retention-days": "500"}, {"path": "../.."},
                                    {"skip-build": "maybe"}, {"env": "DATABASE_PATH=/tmp/x.db"},
                                    {"env": "UNSET_IN_THIS_STEP"}, {"build-dockerfile": "mine"}])
def test_bad_inputs_are_one_error_and_exit_2(tmp_path, inputs):
    status, log, *_ = run(tmp_path, EXAMPLE, **inputs)
    assert status == 2
    assert log.count("::error") == 1


def test_passed_and_report_json_outputs(tmp_path):
    status, _, outputs, workspace = run(tmp_path, BROKEN / "wrong-port")
    assert status == 1 and outputs["passed"] == "false"
    assert outputs["report-json"] == ".deploy-check/demo-niblit.json"
    report = json.loads((workspace / outputs["report-json"]).read_text())
    assert report["counts"]["error"] == 4 and report["package"]["status"] == "skipped"


def test_artifact_url_and_digest_match_upload_artifact_v4(tmp_path):
    from tests.test_artifact import Server

    server = Server()
    try:
        runtime = server.runtime()
        status, _, outputs, workspace = run(tmp_path, EXAMPLE, {
            "ACTIONS_RESULTS_URL": runtime.results_url, "ACTIONS_RUNTIME_TOKEN": runtime.token,
            "GITHUB_RUN_ID": "7001", "GITHUB_SERVER_URL": "https://github.example"})
    finally:
        server.httpd.shutdown()
    assert status == 0 and outputs["passed"] == "true"
    digest = hashlib.sha256((workspace / outputs["zip-path"]).read_bytes()).hexdigest()
    assert outputs["artifact-digest"] == digest == server.finalized["hash"].removeprefix("sha256:")
    assert outputs["artifact-url"] == "https://github.example/niblit/demo/actions/runs/7001/artifacts/42"
    report = json.loads((workspace / outputs["report-json"]).read_text())
    assert report["package"]["sha256"] == digest


@pytest.mark.parametrize("value, expected, explicit", [("", True, False), ("false", False, True), ("true", True, True)])
def test_probe_routes_input(value, expected, explicit):
    from deploy_check.action import options_from_inputs

    options = options_from_inputs({"INPUT_PROBE-ROUTES": value})
    assert options.probe_routes is expected and ("probe_routes" in options.explicit) is explicit
