"""Running the image the way Niblit does, and watching what it does."""
from __future__ import annotations

import dataclasses
import re
import threading
import time
from typing import Any

from deploy_check import spec
from deploy_check.observed import Answer
from deploy_check.observed import Run
from deploy_check.runtime import faults
from deploy_check.runtime import listening
from deploy_check.runtime import probe
from deploy_check.parsing import tracebacks
from deploy_check.runtime.network import Placement
from deploy_check.runtime.resources import Resources
from deploy_check.runtime.resources import signals_held

# A worker's death as gunicorn's master logs it; this many before any answer is a crash loop
# (three rounds of the template's two workers), looked for in the log this often.
WORKER_DEATH = re.compile(r"Worker \(pid:\d+\) (exited with code \d+|was sent SIGKILL)")
CRASH_LOOP_DEATHS = 6
LOG_CHECK_SECONDS = 1.0
# Between two tries of the first path (each also one inspect of the container): the first
# answer is seen at most this late, so it adds to the cold start and to both boots' wait.
POLL_SECONDS = 0.05


class StartFailed(Exception):
    """The engine would not start the container because of what the image holds (the app's fault)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MemoryWatch:
    """Peak memory of a container, from the engine's stats stream, in a thread."""

    def __init__(self, client: Any, container_id: str) -> None:
        self.client = client
        self.container_id = container_id
        self.peak = 0
        self.failcnt = 0
        self.oom_kills = 0
        self._stream: Any = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._stream = self.client.api.stats(self.container_id, stream=True, decode=True)
            for stats in self._stream:
                memory = stats.get("memory_stats") or {}
                value = memory.get("max_usage") or memory.get("usage") or 0
                self.peak = max(self.peak, int(value))
                self.failcnt = max(self.failcnt, int(memory.get("failcnt") or 0))
        except Exception:  # noqa: BLE001 - the container went away: the peak so far stands
            return

    def stop(self) -> int:
        """The peak: from the container's memory cgroup when it is visible (on the host: exact
        and instant), else from one last one-shot stats call (cgroup v1 `max_usage`)."""
        try:
            from_cgroup = cgroup_memory(self.container_id)
            if from_cgroup is not None:
                self.peak = max(self.peak, from_cgroup.peak)
                self.oom_kills = from_cgroup.oom_kills
            else:
                # An error is the engine's (runtime/faults.py): no false "fits in memory".
                stats = self.client.api.stats(self.container_id, stream=False, one_shot=True)
                memory = stats.get("memory_stats") or {}
                self.peak = max(self.peak, int(memory.get("max_usage") or memory.get("usage") or 0))
                self.failcnt = max(self.failcnt, int(memory.get("failcnt") or 0))
        finally:
            try:
                if self._stream is not None and hasattr(self._stream, "close"):
                    self._stream.close()
            except Exception:  # noqa: BLE001 - the sampling is over either way
                pass
        return self.peak


@dataclasses.dataclass(frozen=True)
class CgroupMemory:
    peak: int
    oom_kills: int


_CGROUP_DIRS = (
    "/sys/fs/cgroup/memory/docker/{id}",                      # v1, cgroupfs driver
    "/sys/fs/cgroup/memory/system.slice/docker-{id}.scope",   # v1, systemd driver
    "/sys/fs/cgroup/system.slice/docker-{id}.scope",          # v2, systemd driver
    "/sys/fs/cgroup/docker/{id}",                             # v2, cgroupfs driver
)


def cgroup_memory(container_id: str) -> CgroupMemory | None:
    """Peak memory and OOM kills straight from the container's cgroup, where this process can see it."""
    for template in _CGROUP_DIRS:
        directory = template.format(id=container_id)
        peak = _read_int(f"{directory}/memory.max_usage_in_bytes") or _read_int(f"{directory}/memory.peak")
        if peak is None:
            continue
        kills = 0
        for name in ("memory.oom_control", "memory.events"):
            for line in (_read_text(f"{directory}/{name}") or "").splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill" and value.strip().isdigit():
                    kills = max(kills, int(value))
        return CgroupMemory(peak, kills)
    return None


def _read_text(path: str) -> str | None:
    try:
        with open(path, encoding="ascii") as handle:
            return handle.read()
    except (OSError, ValueError):
        return None


def _read_int(path: str) -> int | None:
    text = _read_text(path)
    return int(text.strip()) if text and text.strip().isdigit() else None


@dataclasses.dataclass(frozen=True)
class Launch:
    """How every container of one smoke test is started: the same image, /data volume,
    network placement, limits and environment."""

    client: Any
    image: str
    resources: Resources
    volume: str  # mounted at /data
    place: Placement
    memory: int  # bytes, also the swap limit
    cpus: float
    env: tuple[tuple[str, str], ...] = ()  # added to the spec's three (which always win)

    def confined(self, name: str) -> dict[str, Any]:
        """What every container of the run is created with, the app's and the inspection's:
        its name and labels, Niblit's environment, the tier's memory and CPUs, no privileges."""
        return {"name": self.resources.name(name), "labels": self.resources.labels,
                "environment": {**dict(self.env), **spec.ENVIRONMENT},
                "mem_limit": self.memory, "memswap_limit": self.memory, "nano_cpus": int(self.cpus * 1e9),
                "pids_limit": 256, "security_opt": ["no-new-privileges"], "cap_drop": ["ALL"], "detach": True}


def start(launch_with: Launch, name: str) -> tuple[Any, str, float]:
    """Start the app container; returns it, the base URL to probe and when it was started."""
    return launch(create(launch_with, name), launch_with.place)


def create(how: Launch, name: str) -> Any:
    """An app container, created (not started) and recorded for the run's cleanup."""
    with signals_held():
        return _create(how, name)


def _create(how: Launch, name: str) -> Any:
    place = how.place
    kwargs: dict[str, Any] = how.confined(name)
    if place.publishes:
        kwargs["ports"] = {f"{spec.PORT}/tcp": ("127.0.0.1", None)}
    else:
        kwargs["network_mode"] = place.network_mode
    container = how.client.containers.create(
        how.image, volumes={how.volume: {"bind": spec.DATA_DIR, "mode": "rw"}}, **kwargs)
    how.resources.containers.append(container.id)
    return container


def launch(container: Any, place: Placement) -> tuple[Any, str, float]:
    """Start a created container; StartFailed when the image keeps it from starting."""
    started = time.monotonic()
    try:
        faults.retry_race(container.start, faults.port_race)
    except Exception as error:  # noqa: BLE001 - sorted by whose fault it is (runtime/faults.py)
        reason = faults.image_start_failure(error)
        if reason is None:
            raise
        raise StartFailed(reason) from None
    if not place.publishes:
        return container, f"http://127.0.0.1:{spec.PORT}", started
    port = None
    for _ in range(50):
        container.reload()
        bindings = (container.attrs.get("NetworkSettings") or {}).get("Ports") or {}
        published = bindings.get(f"{spec.PORT}/tcp") or []
        if published:
            port = published[0].get("HostPort")
            break
        if container.status == "exited":
            break
        time.sleep(0.1)
    return container, f"http://127.0.0.1:{port or 0}", started


def watch(container: Any, base_url: str, paths: tuple[str, ...], timeout: float, started: float) -> Run:
    """Poll the first path until it answers, the container exits or the deadline passes; then the rest."""
    run = Run(container.id, base_url, started, timeout=timeout)
    deadline = run.started + timeout
    first = paths[0]
    last: Answer | None = None
    next_log_check = run.started + LOG_CHECK_SECONDS
    binds = listening.BindWatch(container)
    while time.monotonic() < deadline:
        if _exited(container, run):
            break
        last = probe.get(base_url + first, timeout=min(5.0, max(0.5, deadline - time.monotonic())))
        if last.status is not None:
            run.first_answer = time.monotonic()
            run.answers[first] = last
            break
        if binds.wrong(time.monotonic()):
            run.listening = binds.shown
            break
        if time.monotonic() >= next_log_check:
            next_log_check = time.monotonic() + LOG_CHECK_SECONDS
            log = logs(container)
            deaths = len(WORKER_DEATH.findall(log))
            if deaths >= CRASH_LOOP_DEATHS:
                run.crash_loop = deaths
                break
            run.loopback = tracebacks.loopback_only(log)
            if run.loopback:
                break
            elsewhere, run.elsewhere = run.elsewhere, tracebacks.listening_elsewhere(log)
            if run.elsewhere and run.elsewhere == elsewhere:
                break
        time.sleep(POLL_SECONDS)
    if first not in run.answers and last is not None:
        run.answers[first] = last
    if run.first_answer is not None:
        for path in paths[1:]:
            answer = probe.get(base_url + path, timeout=max(1.0, min(10.0, deadline - time.monotonic())))
            run.answers[path] = answer
    _exited(container, run)
    run.logs = logs(container)
    # Where deploy-check shares the app's network it can reach a loopback-only app: Niblit cannot.
    run.loopback = run.loopback or tracebacks.loopback_only(run.logs)
    return run


def _exited(container: Any, run: Run) -> bool:
    container.reload()  # an error is the engine's (runtime/faults.py), removed under us included
    state = container.attrs.get("State") or {}
    if state.get("Status") in ("exited", "dead"):
        run.exited = True
        run.exit_code = state.get("ExitCode")
        run.oom_killed = bool(state.get("OOMKilled"))
        return True
    run.oom_killed = bool(state.get("OOMKilled"))
    return False


def logs(container: Any, tail: int = 400, since: int | None = None) -> str:
    """The container's last `tail` lines of output (only those since `since`, epoch seconds)."""
    return bytes(container.logs(stdout=True, stderr=True, tail=tail, since=since)).decode("utf-8", "replace")


def oom_events(client: Any, container_id: str, since: float) -> int:
    """How many times the kernel's OOM killer hit this container (workers included).

    Asked up to the last whole second: asking past it makes the engine wait for the second to
    end. A kill in the last fraction of a second still shows as OOMKilled or in gunicorn's log."""
    events = client.events(since=int(since) - 1, until=int(time.time()),
                           filters={"container": container_id, "event": "oom"}, decode=True)
    return sum(1 for _ in events)


IGNORED_WRITES = (spec.DATA_DIR, "/tmp", "/var/tmp", "/run", "/dev", "/proc", "/sys", "/root/.gunicorn",
                  "/root/.cache", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/etc/mtab")


def ephemeral_writes(client: Any, container_id: str) -> list[str]:
    """Files the app wrote outside /data, from `docker diff`, minus caches and gunicorn's own files."""
    changes = client.api.diff(container_id) or []  # an error is the engine's: no false "no writes"
    paths = sorted(c["Path"] for c in changes if c.get("Kind") in (0, 1))
    kept = []
    for path in paths:
        if any(path == p or path.startswith(p + "/") for p in IGNORED_WRITES):
            continue
        if "/__pycache__" in path or path.endswith((".pyc", ".pyo")):
            continue
        # A directory listed only because something was added under it is not a write of its own.
        if any(other.startswith(path.rstrip("/") + "/") for other in paths):
            continue
        kept.append(path)
    return kept
