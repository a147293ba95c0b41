"""Connecting to the engine: one round trip (the API version), and one line when there is none."""
from __future__ import annotations

import pytest

from deploy_check.errors import UsageError
from deploy_check.runtime.client import connect


def test_no_engine_at_docker_host_is_one_usage_error(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    with pytest.raises(UsageError) as raised:
        connect()
    message = str(raised.value)
    assert message.startswith("cannot reach a Docker engine (") and "scripts/ensure-docker" in message
    assert "\n" not in message


def test_a_given_client_is_used_as_it_is():
    given = object()
    assert connect(given) is given


@pytest.mark.docker
def test_the_engine_is_reached_with_its_own_api_version(docker_client):
    client = connect()
    assert client.api.api_version == docker_client.version()["ApiVersion"]
