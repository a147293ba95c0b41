"""What the action's image holds: what the action imports, pinned, and nothing its libraries merely declare."""
from __future__ import annotations

import pathlib

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.docker


def run_in(client, image: str, *command: str) -> tuple[int, str]:
    container = client.containers.run(image, list(command), entrypoint=[], detach=True)
    try:
        status = container.wait(timeout=120)["StatusCode"]
        return status, container.logs().decode()
    finally:
        container.remove(force=True)


def pinned(path: pathlib.Path) -> dict[str, str]:
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    return {name.lower(): version for name, version in (line.split("==") for line in lines if line)}


def test_every_requirement_is_pinned_and_installed_without_its_undeclared_extras(docker_client, action_image):
    wanted = pinned(ROOT / "action-requirements.txt")
    assert wanted["actions-toolkit"] == "0.1.15"
    status, listing = run_in(docker_client, action_image, "pip", "list", "--format=freeze")
    installed = {name.lower(): version for name, version in
                 (line.split("==") for line in listing.splitlines() if "==" in line)}
    assert {name: installed.get(name) for name in wanted} == wanted
    # --no-deps: PyGithub (and cryptography, PyNaCl) that actions-toolkit declares are not there,
    # and that is the only unmet requirement.
    status, problems = run_in(docker_client, action_image, "pip", "check")
    assert status == 1 and problems.strip().lower() == "actions-toolkit 0.1.15 requires pygithub, which is not installed."
    assert not {"pygithub", "cryptography", "pynacl"} & set(installed)


def test_the_action_imports_everything_it_needs(docker_client, action_image):
    status, log = run_in(docker_client, action_image, "python", "-c",
                         "import deploy_check.action, deploy_check.cli, deploy_check.workflow_commands, deploy_check.artifact; "
                         "import deploy_check.runtime, deploy_check.rules; print('ok')")
    assert (status, log.strip()) == (0, "ok")
