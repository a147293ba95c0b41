"""The stand-in python:3.12-slim fails where the real image fails (scripts/ensure-docker, recipe 2)."""
from __future__ import annotations

import pytest

from deploy_check import Options
from deploy_check import check
from tests.runtime.test_docker_apps import APPS
from tests.runtime.test_docker_apps import leftovers
from tests.runtime.test_docker_apps import own_runs  # noqa: F401 - a fixture

pytestmark = pytest.mark.docker
BASE = "python:3.12-slim"


@pytest.fixture(scope="module")
def base_labels(docker_client) -> dict[str, str]:
    return docker_client.images.get(BASE).labels or {}


@pytest.mark.parametrize("module", ["pkg_resources", "setuptools", "_distutils_hack", "wheel"])
def test_the_interpreter_has_no_setuptools_or_wheel(docker_client, base_labels, module):
    # As on the real image (and so on a pulled one too); the stand-in's recipe must match it.
    container = docker_client.containers.create(BASE, ["python", "-c", f"import {module}"], network_mode="none")
    try:
        container.start()
        status = container.wait(timeout=60)["StatusCode"]
        log = container.logs().decode()
    finally:
        container.remove(force=True)
    assert status == 1 and f"No module named '{module}'" in log


def test_the_stand_in_carries_its_recipe(base_labels):
    if base_labels.get("org.niblit.standin") != "1":
        pytest.skip("the real python:3.12-slim, not a stand-in")
    assert base_labels.get("org.niblit.standin.recipe") == "2"


def test_an_old_gunicorn_that_needs_pkg_resources_does_not_boot(docker_client, own_runs):
    report = check(str(APPS / "old-gunicorn"), Options(timeout=60), docker_client=docker_client)
    (boot,) = [f for f in report.findings if f.rule == "smoke-boot"]
    assert "No module named 'pkg_resources'" in boot.message
    assert report.smoke.status == "failed"
    assert leftovers(docker_client, own_runs) == []
