"""Waiting for the first answer ends once the app's sockets show it listens where Niblit does not connect."""
from __future__ import annotations

import os
import threading
import time

import pytest

from deploy_check import Options
from deploy_check import check
from deploy_check.runtime import listening
from deploy_check.runtime import sockets
from deploy_check.runtime.sockets import Listener
from tests.runtime.test_docker_apps import APPS
from tests.runtime.test_template_build import leftovers  # noqa: F401 - a fixture: this test's run id only


class _Container:
    id = "c0ffee"
    attrs = {"State": {"Pid": 4242}}


def _watch(monkeypatch, from_host, by_exec=None):
    """A BindWatch whose host reads give `from_host` in turn (None: not visible) and whose exec gives `by_exec`."""
    seen = iter(from_host)
    execs = []
    monkeypatch.setattr(sockets, "read_from_host", lambda pid, cid: next(seen))

    def read(container):
        execs.append(container)
        return by_exec

    monkeypatch.setattr(sockets, "read", read)
    return listening.BindWatch(_Container()), execs


ELSEWHERE = [Listener(8000, "0.0.0.0")]
NIBLIT = [Listener(5000, "0.0.0.0")]


def test_listening_elsewhere_for_two_seconds_ends_the_wait(monkeypatch):
    watch, execs = _watch(monkeypatch, [[], ELSEWHERE, ELSEWHERE, ELSEWHERE])
    assert [watch.wrong(t) for t in (0.0, 0.5, 2.0, 2.6)] == [False, False, False, True]
    assert watch.shown == "0.0.0.0:8000" and execs == []  # the host's /proc sufficed


def test_listening_where_niblit_connects_never_ends_the_wait(monkeypatch):
    # gunicorn's master binds 0.0.0.0:5000 at once; a slow import only delays the answer.
    watch, _ = _watch(monkeypatch, [NIBLIT] * 3 + [[*NIBLIT, Listener(9000, "127.0.0.1")]] * 3)
    assert not any(watch.wrong(t) for t in (0.0, 1.0, 3.0, 5.0, 7.0, 9.0))


def test_a_port_that_closes_again_starts_the_count_anew(monkeypatch):
    watch, _ = _watch(monkeypatch, [ELSEWHERE, [], ELSEWHERE, ELSEWHERE])
    assert [watch.wrong(t) for t in (0.0, 1.9, 2.5, 4.0)] == [False, False, False, False]
    assert watch.since == 2.5


def test_loopback_at_port_5000_is_not_where_niblit_connects(monkeypatch):
    watch, _ = _watch(monkeypatch, [[Listener(5000, "127.0.0.1")]] * 2)
    assert [watch.wrong(t) for t in (0.0, 2.0)] == [False, True]
    assert watch.shown == "127.0.0.1:5000"


def test_without_the_hosts_proc_an_exec_reads_them_once_a_second(monkeypatch):
    watch, execs = _watch(monkeypatch, [None] * 40, by_exec=[Listener(8000, "::")])
    answers = [watch.wrong(step / 10) for step in range(30)]  # polled every 0.1 s for 3 s
    assert len(execs) == 3  # at 0, 1 and 2 s (not on each of the 30 polls)
    assert answers.index(True) == 20 and watch.shown == "[::]:8000"


def test_unreadable_sockets_never_end_the_wait(monkeypatch):
    watch, _ = _watch(monkeypatch, [None] * 10, by_exec=None)
    assert not any(watch.wrong(float(t)) for t in range(10))


def test_read_from_host_is_none_for_a_process_of_another_container():
    assert sockets.read_from_host(os.getpid(), "0" * 64) is None  # this process: not in that container
    assert sockets.read_from_host(0, "0" * 64) is None


@pytest.mark.docker
def test_read_from_host_sees_a_containers_listening_socket(docker_client):
    container = docker_client.containers.run(
        "python:3.12-slim", ["python", "-m", "http.server", "8000"], detach=True,
        labels={"org.niblit.deploy-check.test": "listening"})
    try:
        found = None
        for _ in range(100):
            container.reload()
            found = sockets.read_from_host(container.attrs["State"]["Pid"], container.id)
            if found:
                break
            time.sleep(0.1)
        assert found == [Listener(8000, "0.0.0.0")]
        assert sockets.read_from_host(container.attrs["State"]["Pid"], "f" * 64) is None
    finally:
        container.remove(force=True)


@pytest.mark.docker
@pytest.mark.parametrize("sockets_from", ["host", "exec"])
def test_an_app_on_port_8000_that_never_says_so_is_not_waited_for(docker_client, leftovers, monkeypatch,
                                                                 sockets_from):
    # gunicorn at --log-level warning: no "Listening at" line in its log, only its sockets tell.
    if sockets_from == "exec":  # as inside the action's container, where the host's PIDs are not seen
        monkeypatch.setattr(sockets, "read_from_host", lambda pid, container_id: None)
    done: list = []
    run = threading.Thread(target=lambda: done.append(check(
        str(APPS / "silent-8000"), Options(timeout=600, build_dockerfile="repository"), docker_client=docker_client)))
    run.start()
    run.join(300)  # far short of the 600 s timeout, far beyond the build and a 2 s wait
    assert done, "the smoke test waited for its timeout"
    (report,) = done
    (boot,) = [f for f in report.findings if f.rule == "smoke-boot"]
    assert (boot.path, boot.line) == ("Dockerfile", 23)  # the CMD that binds
    assert "listens on 0.0.0.0:8000 (not port 5000)" in boot.message and "0.0.0.0:5000" in boot.message
    assert leftovers(docker_client) == []
