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
    running: list[str] = []
    log = build.LayerLog(seen.append, running.append)
    for line in STREAM:
        log.line(line)
    assert seen == ["ddec5ebe7cdb", "0123456789ab"]  # not the base, not the cached WORKDIR
    assert running == ["06f47c94d627", "16f47c94d627"]  # the steps' containers, the last one still running


@pytest.mark.docker
def test_failed_pip_install_leaves_no_untagged_image(docker_client, own_runs, tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    shutil.copytree(APPS / "bad-requirement", repo)
    with (repo / "requirements.txt").open("a") as handle:  # a COPY no cache can serve: this run's own layer
        handle.write(f"# {uuid.uuid4().hex}\n")
    committed: list[str] = []
    original = build.LayerLog.__init__

    def spying(self, record, running=None):
        original(self, lambda image_id: (committed.append(image_id), record(image_id)), running)

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


@pytest.mark.docker
def test_sigterm_during_the_lint_removes_the_images_the_build_committed(docker_client, tmp_path):
    # The build runs while the lint does, and its stream is read only after it: a SIGTERM then
    # (a big tree keeps the lint busy) must still remove the step images committed so far.
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.runtime.test_docker_apps import EXAMPLE

    marker = uuid.uuid4().hex
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    (repo / "Dockerfile").write_text(f"FROM python:3.12-slim\nRUN echo {marker} > /marker\nRUN sleep 120\n")
    for n in range(8000):
        folder = repo / "pkg" / f"p{n // 100}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"m{n}.py").write_text(f"import os\n\nVALUE_{n} = os.environ.get('X', 'y')\n")

    def marked() -> list[str]:
        found = []
        for image in docker_client.api.images(all=True, filters={"since": "python:3.12-slim"}):
            try:
                config = docker_client.api.inspect_image(image["Id"]).get("ContainerConfig") or {}
            except Exception:  # noqa: BLE001 - removed meanwhile
                continue
            if marker in " ".join(config.get("Cmd") or []):
                found.append(image["Id"])
        return found

    env = dict(os.environ, GITHUB_ACTIONS="true")  # build steps go to stderr once the stream is read
    env.pop("GITHUB_STEP_SUMMARY", None)
    env.pop("GITHUB_OUTPUT", None)
    process = subprocess.Popen([sys.executable, "-m", "deploy_check", str(repo), "--build-dockerfile", "repository",
                                "--format", "json", "--output", os.devnull], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 120
    while not marked() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert process.poll() is None, process.communicate()
    assert marked(), "the build never committed its marked step"
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert "docker build" not in stderr, "the signal came after the lint: not the case under test"
    assert marked() == []
