"""A failed build leaves none of the images its steps committed; the base and cached ones stay."""
from __future__ import annotations

import shutil
import uuid

import pytest

from deploy_check import Options
from deploy_check import check
from deploy_check.runtime import build
from tests.runtime.test_docker_apps import APPS
from tests.runtime.test_docker_apps import leftovers
from tests.runtime.test_docker_apps import own_runs  # noqa: F401 - a fixture

STREAM = [
    "Step 1/5 : FROM python:3.12-slim", " ---> 72d827ad9b9d",
    "Step 2/5 : WORKDIR /app", " ---> Using cache", " ---> cf98d46d2a1b",
    "Step 3/5 : COPY requirements.txt .", " ---> ddec5ebe7cdb",
    "Step 4/5 : ENV PORT=5000", " ---> Running in 06f47c94d627", "Removing intermediate container 06f47c94d627",
    " ---> 0123456789ab",
    "Step 5/5 : RUN pip install --no-cache-dir -r requirements.txt", " ---> Running in 16f47c94d627",
]


def test_layer_log_keeps_only_the_steps_this_build_ran():
    seen: list[str] = []
    log = build.LayerLog(seen.append)
    for line in STREAM:
        log.line(line)
    assert seen == ["ddec5ebe7cdb", "0123456789ab"]  # not the base, not the cached WORKDIR


@pytest.mark.docker
def test_failed_pip_install_leaves_no_untagged_image(docker_client, own_runs, tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    shutil.copytree(APPS / "bad-requirement", repo)
    with (repo / "requirements.txt").open("a") as handle:  # a COPY no cache can serve: this run's own layer
        handle.write(f"# {uuid.uuid4().hex}\n")
    committed: list[str] = []
    original = build.LayerLog.__init__

    def spying(self, record):
        original(self, lambda image_id: (committed.append(image_id), record(image_id)))

    monkeypatch.setattr(build.LayerLog, "__init__", spying)
    report = check(str(repo), Options(), docker_client=docker_client)
    assert [f.rule for f in report.findings if f.rule == "build-failed"] == ["build-failed"]
    assert committed, "the build committed no step of its own"
    import docker

    for image_id in committed:
        with pytest.raises(docker.errors.ImageNotFound):
            docker_client.images.get(image_id)
    docker_client.images.get("python:3.12-slim")
    assert leftovers(docker_client, own_runs) == []
