"""Faults: signals at every stage, each class of engine error, the engine vanishing, a full disk, two runs at once."""
from __future__ import annotations

import contextlib
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import pytest

from deploy_check import Options
from deploy_check import check
from deploy_check.runtime.resources import LABEL
from tests.conftest import EXAMPLE
from tests.conftest import IN_CI
from tests.rules.helpers import make_repo
from tests.runtime.test_docker_apps import APPS
from tests.runtime.engine_proxy import Fault
from tests.runtime.engine_proxy import FaultProxy
from tests.runtime.test_docker_apps import leftovers

pytestmark = pytest.mark.docker
CLI = [sys.executable, "-m", "deploy_check"]


def wait_for(predicate, seconds=120.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def containers(client, name_part=""):
    return [c for c in client.api.containers(all=True, filters={"label": LABEL})
            if name_part in c["Names"][0]]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.parametrize("stage", ["build", "boot", "restart"])
def test_signal_at_each_stage_leaves_nothing(docker_client, tmp_path, stage, signum):
    app = APPS / "slow-boot" if stage == "boot" else EXAMPLE
    others = {c["Id"] for c in containers(docker_client)}  # other checks' on the same engine: not this run's
    process = subprocess.Popen(CLI + [str(app), "--zip", str(tmp_path / "out.zip")], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)

    def own(name_part: str) -> bool:
        return any(c["Id"] not in others for c in containers(docker_client, name_part))

    if stage == "build":
        reached = wait_for(lambda: bool(docker_client.api.containers(all=True, filters={"ancestor": "python:3.12-slim"}))
                           or process.poll() is not None, 60) or True
        time.sleep(0.3)
    elif stage == "boot":
        reached = wait_for(lambda: own("-app"))
    else:
        reached = wait_for(lambda: own("-restart") or process.poll() is not None)
    assert reached
    if process.poll() is None:
        process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)
    assert "Traceback" not in stderr
    if process.returncode != 0:  # the run may have finished before the signal landed
        assert process.returncode == 128 + signum, stderr
        assert not (tmp_path / "out.zip").exists()
    assert [p for p in os.listdir(tmp_path) if p.startswith(".deploy-check-")] == []
    assert leftovers(docker_client) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_while_the_lint_runs_beside_the_build_leaves_nothing(docker_client, tmp_path, signum):
    # The engine builds while the lint runs: a repository big enough for the lint to take a
    # while, and a signal while it does, must cancel the pending build and leave nothing.
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    for n in range(3000):
        folder = repo / "pkg" / f"p{n // 100}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"m{n}.py").write_text(f"import os\n\nVALUE_{n} = os.environ.get('X', 'y')\n")
    process = subprocess.Popen(CLI + [str(repo)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.6)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)
    assert "Traceback" not in stderr
    # 0.6 s in, the lint of 3,000 modules (then the build and the smoke test) is far from done.
    assert process.returncode == 128 + signum, stderr
    assert leftovers(docker_client) == []


def with_lint_finding(tmp_path) -> pathlib.Path:
    """The example plus a committed .env (secret-file, an error the lint finds without Docker)."""
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    (repo / ".env").write_text("GREETING=hello\n")
    return repo


def short_socket() -> str:
    """A Unix socket path short enough for AF_UNIX (pytest's tmp_path may not be)."""
    return os.path.join(tempfile.mkdtemp(prefix="dc-proxy-", dir="/tmp"), "engine.sock")


def run_ids(proxy: FaultProxy) -> set[str]:
    """The run ids of what the checks behind `proxy` created (their names carry them)."""
    return {match.group(1) for _, target in proxy.targets
            for match in [re.search(r"deploy-check-([0-9a-f]{8})\b", target)] if match}


def remove_runs(client, ids: set[str]) -> None:
    """Remove what the given runs left (the engine was unreachable for their own cleanup); no one else's."""
    import docker

    for run_id in ids:
        mine = {"label": f"{LABEL}={run_id}"}
        actions = [lambda c=c: client.api.remove_container(c["Id"], force=True, v=True)
                   for c in client.api.containers(all=True, filters=mine)]
        actions += [lambda v=v: client.api.remove_volume(v["Name"], force=True)
                    for v in client.api.volumes(filters=mine).get("Volumes") or []]
        actions += [lambda i=i: client.api.remove_image(i["Id"], force=True)
                    for i in client.api.images(filters=mine)]
        for action in actions:
            try:
                action()
            except docker.errors.APIError:
                pass


def test_engine_vanishing_mid_run_keeps_the_report_and_exits_2(docker_client, tmp_path):
    proxy = FaultProxy(short_socket())
    env = dict(os.environ, DOCKER_HOST=proxy.url)
    process = subprocess.Popen(CLI + [str(slow_with_lint_finding(tmp_path)), "--format", "json", "--sarif",
                                      str(tmp_path / "out.sarif")],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: app_running(docker_client, proxy))
        proxy.cut()
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 2, stderr
        assert "Traceback" not in stderr and "lost the Docker engine during the smoke test" in stderr
        assert len(stderr.strip().splitlines()) == 1
        report = json.loads(stdout)
        assert [f["rule"] for f in report["findings"]] == ["secret-file"]
        assert report["build"]["status"] == "ok"
        assert report["smoke"]["status"] == "error" and "lost the Docker engine" in report["smoke"]["reason"]
        sarif = json.loads((tmp_path / "out.sarif").read_text())["runs"][0]
        assert [r["ruleId"] for r in sarif["results"]] == ["secret-file"]
        assert sarif["invocations"][0]["executionSuccessful"] is False
    finally:
        if process.poll() is None:
            process.kill()
        remove_runs(docker_client, run_ids(proxy))


def test_engine_vanishing_mid_run_keeps_the_actions_annotations(docker_client, tmp_path):
    proxy = FaultProxy(short_socket())
    workspace = tmp_path / "ws"
    shutil.copytree(slow_with_lint_finding(tmp_path), workspace / "app")
    env = dict(os.environ, DOCKER_HOST=proxy.url, GITHUB_WORKSPACE=str(workspace), INPUT_PATH="app",
               GITHUB_OUTPUT=str(tmp_path / "output"), GITHUB_STEP_SUMMARY=str(tmp_path / "summary"),
               GITHUB_REPOSITORY="niblit/demo", INPUT_UPLOAD="false")
    process = subprocess.Popen([sys.executable, "-c", "import sys; from deploy_check import action; "
                                "sys.exit(action.main())"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: app_running(docker_client, proxy))
        proxy.cut()
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 2, stdout + stderr
        assert "::error title=deploy-check::lost the Docker engine during the smoke test" in stdout
        assert "::error title=secret-file,file=app/.env" in stdout
        summary = (tmp_path / "summary").read_text()
        assert "could not finish" in summary and "secret-file" in summary
        assert "passed<<" in (tmp_path / "output").read_text()
        assert not (workspace / ".deploy-check" / "demo-niblit.zip").exists()
    finally:
        if process.poll() is None:
            process.kill()
        remove_runs(docker_client, run_ids(proxy))


def app_running(client, proxy: FaultProxy) -> bool:
    """This run's app container (not another check's on the same engine) is there."""
    return any(c["Names"][0].endswith("-app") for run_id in run_ids(proxy)
               for c in client.api.containers(all=True, filters={"label": f"{LABEL}={run_id}"}))


def slow_with_lint_finding(tmp_path) -> pathlib.Path:
    repo = tmp_path / "slow"
    shutil.copytree(APPS / "slow-boot", repo)
    (repo / ".env").write_text("GREETING=hello\n")
    return repo


@contextlib.contextmanager
def behind(faults: list[Fault], timeout: float = 120) -> Iterator[tuple[Any, FaultProxy]]:
    import docker

    proxy = FaultProxy(short_socket(), faults)
    try:
        yield docker.DockerClient(base_url=proxy.url, version="auto", timeout=timeout), proxy
    finally:
        proxy.cut()


START = r"^/containers/[0-9a-f]+/start$"
INSPECT = r"^/containers/[0-9a-f]+/json$"


# One case per class of engine error (runtime/faults.py): whose fault it is, and what the run then says.
@pytest.mark.parametrize(
    "fault, outcome",
    [
        # The app's: a finding, the run goes on.
        (Fault("POST", r"^/build$", status=400, message="dockerfile parse error line 3: unknown instruction: FOO"),
         ("build", "failed", "build-failed")),
        # The engine's: the stage ends with its reason, the lint's findings stay.
        (Fault("POST", r"^/build$", status=500, message="write /var/lib/docker/tmp/x: no space left on device"),
         ("build", "error", "the Docker engine failed during the build (write")),
        (Fault("POST", r"^/build$", drop=True), ("build", "error", "the Docker engine failed during the build")),
        # times=2: the in-image inspection's container is created and started before the app's
        # (what it fails to learn is only left out), then the app's own fails: the stage's error.
        (Fault("POST", r"^/containers/create$", status=404, message="No such image: sha256:0123", times=2),
         ("smoke", "error", "the Docker engine failed during the smoke test (No such image")),
        (Fault("POST", START, status=500, message="cgroups: cannot find cgroup mount destination: unknown", times=2),
         ("smoke", "error", "cgroups")),
        (Fault("GET", INSPECT, status=404, message="No such container: 0123", after=1),
         ("smoke", "error", "No such container")),
        (Fault("GET", r"^/containers/[0-9a-f]+/logs$", status=500, message="logs unavailable"),
         ("smoke", "error", "logs unavailable")),
        (Fault("GET", r"^/containers/[0-9a-f]+/changes$", status=500, message="diff unavailable"),
         ("smoke", "error", "diff unavailable")),
        (Fault("GET", INSPECT, hang=30, after=1), ("smoke", "error", "timed out")),
        # Races: tried again, the run passes.
        (Fault("POST", START, status=500, message="driver failed programming external connectivity on endpoint "
               "x: Bind for 127.0.0.1:49153 failed: port is already allocated", times=2), ("smoke", "ok", None)),
        (Fault("DELETE", r"^/containers/[0-9a-f]+$", status=500, message="removal failed", times=3),
         ("smoke", "ok", None)),
    ],
    ids=["build-400-app", "build-no-space", "build-dropped", "create-404", "start-500", "inspect-404", "logs-500",
         "diff-500", "inspect-timeout", "start-port-race", "remove-500"],
)
def test_each_engine_error_class_is_mapped(docker_client, tmp_path, fault, outcome):
    stage, status, words = outcome
    with behind([fault], timeout=5 if fault.hang else 120) as (client, proxy):
        report = check(str(with_lint_finding(tmp_path)), Options(), docker_client=client)
    assert fault.hits >= 1, proxy.requests
    rules = {f.rule for f in report.findings}
    assert "secret-file" in rules  # the lint's finding is never lost
    section = getattr(report, stage)
    assert section.status == status, (section, report.findings)
    if status == "error":
        assert words in section.reason and report.unfinished == section.reason
    elif status == "failed":
        assert words in rules
    else:
        assert report.unfinished is None and rules == {"secret-file"}
    assert leftovers(docker_client, run_ids(proxy)) == []


def test_injected_start_failure_is_the_apps(docker_client, tmp_path):
    reason = ('failed to create shim task: OCI runtime create failed: runc create failed: unable to start container '
              'process: exec: "gunicorn": executable file not found in $PATH: unknown')
    repo = with_lint_finding(tmp_path)
    (repo / "requirements.txt").write_text("flask==3.0.3\n")
    with behind([Fault("POST", START, status=400, message=reason)]) as (client, proxy):
        report = check(str(repo), Options(), docker_client=client)
    boot = [f for f in report.findings if f.rule == "smoke-boot"]
    assert [(f.path, f.line) for f in boot] == [("requirements.txt", None)]
    assert report.smoke.status == "failed" and report.unfinished is None
    assert leftovers(docker_client, run_ids(proxy)) == []


def test_disk_full_while_zipping(tmp_path):
    if os.geteuid() != 0:
        if IN_CI:
            pytest.fail("this test mounts a tmpfs and needs root")
        pytest.skip("needs root to mount a small tmpfs")
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], check=True)
    try:
        repo = make_repo(tmp_path / "repo", {"app.py": "", "blob.bin": os.urandom(4 * 1024 * 1024)})
        result = subprocess.run(CLI + [str(repo), "--skip-build", "--zip", str(mount / "out.zip")],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
        assert os.listdir(mount) == []  # no half-written zip
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_two_runs_at_once(docker_client, tmp_path):
    runs = [subprocess.Popen(CLI + [str(EXAMPLE), "--zip", str(tmp_path / f"{i}.zip"), "--json",
                                    str(tmp_path / f"{i}.json")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for i in range(2)]
    results = [(p.wait(timeout=600), p.communicate()[1]) for p in runs]
    assert [status for status, _ in results] == [0, 0], results
    assert (tmp_path / "0.zip").read_bytes() == (tmp_path / "1.zip").read_bytes()
    assert leftovers(docker_client) == []
