"""Connecting to the Docker engine (DOCKER_HOST or the default socket)."""
from __future__ import annotations

from typing import Any

from deploy_check.errors import UsageError

HOW_TO = "start one (scripts/ensure-docker) or lint only with --skip-build"


def connect(client: Any = None) -> Any:
    """A live docker.DockerClient, or UsageError saying why there is none."""
    import docker

    if client is not None:
        return client
    try:
        # "auto" asks the engine its API version: that round trip is the reachability check too.
        client = docker.from_env(version="auto", timeout=600)
    except Exception as error:  # noqa: BLE001 - every failure means the same to the user
        reason = " ".join(str(error).split())[:160] or type(error).__name__
        raise UsageError(f"cannot reach a Docker engine ({reason}): {HOW_TO}") from None
    return client
