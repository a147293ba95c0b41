"""deploy-check running inside a container reaches the app in every network shape a runner uses."""
from __future__ import annotations

import json
import secrets

import pytest

from tests.conftest import EXAMPLE

pytestmark = pytest.mark.docker


def run_inside(client, image: str, **network) -> dict:
    output = client.containers.run(
        image,
        ["deploy-check", ".", "--format", "json", "--smoke-path", "/,/health"],
        volumes={"/var/run/docker.sock": {"bind": "/var/run/docker.sock", "mode": "rw"},
                 str(EXAMPLE): {"bind": "/github/workspace", "mode": "ro"}},
        working_dir="/github/workspace",
        remove=True,
        stdout=True,
        stderr=False,
        **network,
    )
    return json.loads(output)


def test_default_bridge(docker_client, action_image):
    report = run_inside(docker_client, action_image)
    assert report["smoke"]["status"] == "ok" and report["smoke"]["answers"] == {"/": 200, "/health": 200}


def test_user_defined_network(docker_client, action_image):
    network = docker_client.networks.create(f"github_network_{secrets.token_hex(4)}")
    try:
        report = run_inside(docker_client, action_image, network=network.name)
    finally:
        network.remove()
    assert report["smoke"]["status"] == "ok" and report["smoke"]["restart"] == "ok"


def test_host_network(docker_client, action_image):
    report = run_inside(docker_client, action_image, network_mode="host")
    assert report["smoke"]["status"] == "ok" and report["counts"]["error"] == 0
