"""The action image run exactly as GitHub's runner runs a container action (no act)."""
from __future__ import annotations

import secrets
import shutil

import pytest

from tests.conftest import BROKEN
from tests.conftest import EXAMPLE

pytestmark = pytest.mark.docker


def run_like_the_runner(client, image, tmp_path, app, network=None, **inputs):
    workspace = tmp_path / "workspace"
    commands = tmp_path / "file_commands"
    shutil.copytree(app, workspace / "app")
    commands.mkdir()
    (commands / "set_output").touch()
    (commands / "step_summary").touch()
    environment = {
        "GITHUB_WORKSPACE": "/github/workspace", "GITHUB_ACTIONS": "true", "CI": "true",
        "GITHUB_OUTPUT": "/github/file_commands/set_output", "GITHUB_STEP_SUMMARY": "/github/file_commands/step_summary",
        "GITHUB_REPOSITORY": "niblit/demo", "HOME": "/github/home", "RUNNER_TEMP": "/github/runner_temp",
        "INPUT_PATH": "app", "INPUT_SMOKE-PATHS": "/,/health", "INPUT_UPLOAD": "true", "INPUT_FAIL-ON": "",
        **{f"INPUT_{k.upper()}": v for k, v in inputs.items()},
    }
    container = client.containers.run(
        image, detach=True, working_dir="/github/workspace", environment=environment, network=network,
        volumes={"/var/run/docker.sock": {"bind": "/var/run/docker.sock", "mode": "rw"},
                 str(workspace): {"bind": "/github/workspace", "mode": "rw"},
                 str(commands): {"bind": "/github/file_commands", "mode": "rw"}},
    )
    try:
        status = container.wait(timeout=600)["StatusCode"]
        log = container.logs().decode()
    finally:
        container.remove(force=True)
    return status, log, (commands / "set_output").read_text(), workspace


@pytest.mark.parametrize("shape", ["bridge", "user-network"])
def test_example_in_runner_shape(docker_client, action_image, tmp_path, shape):
    network = None
    if shape == "user-network":
        network = docker_client.networks.create(f"github_network_{secrets.token_hex(4)}").name
    try:
        status, log, outputs, workspace = run_like_the_runner(docker_client, action_image, tmp_path, EXAMPLE, network)
    finally:
        if network:
            docker_client.networks.get(network).remove()
    assert status == 0, log[-3000:]
    assert "zip-path<<" in outputs and ".deploy-check/demo-niblit.zip" in outputs
    assert "cold-start-seconds<<" in outputs
    assert (workspace / ".deploy-check" / "demo-niblit.zip").exists()
    assert "no artifact service here" in log


def test_broken_app_in_runner_shape(docker_client, action_image, tmp_path):
    status, log, outputs, _ = run_like_the_runner(docker_client, action_image, tmp_path, BROKEN / "wrong-port",
                                                  **{"skip-build": "true"})
    assert status == 1
    assert "::error title=dockerfile-port,file=app/Dockerfile,line=16," in log
