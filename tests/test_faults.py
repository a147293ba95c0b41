"""Faults: signals at every stage, the engine vanishing, a full disk, two runs at once."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from deploy_check.runtime.resources import LABEL
from tests.conftest import EXAMPLE
from tests.conftest import IN_CI
from tests.rules.helpers import make_repo
from tests.runtime.test_docker_apps import APPS
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
    process = subprocess.Popen(CLI + [str(app), "--zip", str(tmp_path / "out.zip")], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    if stage == "build":
        reached = wait_for(lambda: bool(docker_client.api.containers(all=True, filters={"ancestor": "python:3.12-slim"}))
                           or process.poll() is not None, 60) or True
        time.sleep(0.3)
    elif stage == "boot":
        reached = wait_for(lambda: bool(containers(docker_client, "-app")))
    else:
        reached = wait_for(lambda: bool(containers(docker_client, "-restart")) or process.poll() is not None)
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
    assert process.returncode in (0, 1, 128 + signum), stderr
    assert leftovers(docker_client) == []


class CuttableProxy:
    """A Unix-socket proxy to the engine that can be cut mid-run."""

    def __init__(self, path: str, target: str = "/var/run/docker.sock") -> None:
        self.path, self.target = path, target
        self.server = socket.socket(socket.AF_UNIX)
        self.server.bind(path)
        self.server.listen(64)
        self.sockets: list[socket.socket] = []
        self.cut = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.cut:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.socket(socket.AF_UNIX)
            upstream.connect(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        self.cut = True
        self.server.close()
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            except OSError:
                pass


def test_engine_vanishing_mid_run_is_a_clear_error(docker_client, tmp_path):
    proxy = CuttableProxy(str(tmp_path / "docker.sock"))
    env = dict(os.environ, DOCKER_HOST=f"unix://{tmp_path}/docker.sock")
    process = subprocess.Popen(CLI + [str(APPS / "slow-boot")], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: bool(containers(docker_client, "-app")))
        proxy.close()
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 2, stderr
        assert "Traceback" not in stderr and "Docker engine" in stderr
        assert len(stderr.strip().splitlines()) == 1
    finally:
        if process.poll() is None:
            process.kill()
        remove_everything_labelled(docker_client)  # the engine was unreachable for cleanup: do it here


def remove_everything_labelled(client) -> None:
    import docker

    actions = [lambda c=c: client.api.remove_container(c["Id"], force=True, v=True) for c in containers(client)]
    actions += [lambda v=v: client.api.remove_volume(v["Name"], force=True)
                for v in client.api.volumes(filters={"label": LABEL}).get("Volumes") or []]
    actions += [lambda i=i: client.api.remove_image(i["Id"], force=True)
                for i in client.api.images(filters={"label": LABEL})]
    for action in actions:
        try:
            action()
        except docker.errors.APIError:
            pass


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
