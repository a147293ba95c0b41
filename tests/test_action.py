"""deploy_check.action.main with its environment passed in (no Docker: skip-build)."""
from __future__ import annotations

import io
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
    assert not (workspace / ".deploy-check").exists()
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
                                    {"env": "UNSET_IN_THIS_STEP"}])
def test_bad_inputs_are_one_error_and_exit_2(tmp_path, inputs):
    status, log, *_ = run(tmp_path, EXAMPLE, **inputs)
    assert status == 2
    assert log.count("::error") == 1
