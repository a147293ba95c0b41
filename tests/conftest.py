"""Shared fixtures. Docker and act tests never skip in CI (CI=true): they fail."""
from __future__ import annotations

import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example"
BROKEN = ROOT / "examples" / "broken"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
TIMED_RULES = ("smoke-cold-start",)


def untimed(findings: list) -> list:
    """The findings that do not depend on how fast this machine is right now.

    smoke-cold-start judges a wall-clock time, which a loaded test machine stretches past the
    free tier's 5 s; its thresholds have unit tests, and timings belong in bench/, not in tests.
    """
    return [f for f in findings if f.rule not in TIMED_RULES]


def _unavailable(what: str, how: str) -> None:
    message = f"{what} is not available: {how}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: these tests must run here)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def docker_client():
    """A Docker SDK client for a live engine with python:3.12-slim present."""
    import docker

    try:
        client = docker.from_env(timeout=300)
        client.ping()
        client.images.get("python:3.12-slim")
    except Exception as error:  # noqa: BLE001 - any failure means "no engine"
        _unavailable("a Docker engine with python:3.12-slim", f"{error}; run scripts/ensure-docker")
    return client


@pytest.fixture(scope="session")
def act_binary() -> str:
    path = shutil.which("act") or str(ROOT / ".venv" / "bin" / "act")
    try:
        subprocess.run([path, "--version"], check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as error:
        _unavailable("the act runner", f"{error}; run scripts/ensure-act")
    return path


@pytest.fixture(scope="session")
def action_image(docker_client):
    """The action's image, built from the top-level Dockerfile as the runner builds it."""
    from tests.action_image import build_action_image

    tag = build_action_image(docker_client)
    yield tag
    try:  # tests leave no images behind (layers stay in the engine's cache)
        docker_client.images.remove(tag, force=True, noprune=True)
    except Exception:  # noqa: BLE001
        pass
