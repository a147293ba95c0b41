"""Build the image and smoke-test it as Niblit runs it, turning what happens into findings."""
from __future__ import annotations

import concurrent.futures
import contextlib
import re
import time
from collections.abc import Iterator
from typing import Any

from deploy_check.errors import UsageError
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.finding import Severity
from deploy_check.options import TIERS
from deploy_check.options import Options
from deploy_check.parsing import dockerfile
from deploy_check.parsing import requirements
from deploy_check.project import Project
from deploy_check.result import Report
from deploy_check.rules import build_failed
from deploy_check.rules import smoke_boot
from deploy_check.rules import smoke_cold_start
from deploy_check.rules import smoke_ephemeral_write
from deploy_check.rules import smoke_http
from deploy_check.rules import smoke_memory
from deploy_check.rules import smoke_restart
from deploy_check.runtime import buildlog
from deploy_check.runtime import smoke
from deploy_check.runtime import tracebacks
from deploy_check.runtime.build import BuildResult
from deploy_check.runtime.build import PendingBuild
from deploy_check.runtime.client import connect
from deploy_check.runtime.network import placement
from deploy_check.runtime.resources import Resources
from deploy_check.runtime.resources import new_run_id
from deploy_check.runtime.resources import signals_held

COLD_START_LIMIT = 10.0
_WORKER_KILLED = re.compile(r"Worker \(pid:\d+\) was sent SIGKILL|Perhaps out of memory", re.IGNORECASE)


class Runtime:
    """Build and smoke-test one project. `start()` sets the engine building and returns at
    once (the lint runs meanwhile); `finish()` waits for the build, runs the smoke test and
    returns the findings. Leaving the `with` block cancels an unfinished build and removes
    everything the run created, on every path."""

    def __init__(self, project: Project, options: Options, report: Report, docker_client: Any = None) -> None:
        self.project, self.options, self.report = project, options, report
        self.client = connect(docker_client)
        self.resources = Resources(self.client, new_run_id())
        self._build: PendingBuild | None = None

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._build is not None:
            self._build.cancel()  # nothing to do once it finished
        self.resources.cleanup()

    def start(self) -> None:
        with _engine_errors():
            self._build = PendingBuild(self.client, self.project.root, self.resources)

    def finish(self) -> list[Finding]:
        """Build (and unless skip_smoke, run) the image; fill report.build/report.smoke."""
        with _engine_errors():
            return self._finish()

    def _finish(self) -> list[Finding]:
        if self._build is None:
            self.start()
        assert self._build is not None
        project, options, report, resources = self.project, self.options, self.report, self.resources
        result = self._build.finish(options.progress)  # type: ignore[arg-type]
        report.build = {"status": "ok" if result.ok else "failed", "seconds": result.seconds,
                        "image_size_bytes": result.image_size}
        if not result.ok:
            return [_build_failure(project, result)]
        if options.keep_image:
            resources.images.remove(self._build.tag)
        if options.skip_smoke:
            return []
        return _smoke(self.client, project, options, report, resources, result)


@contextlib.contextmanager
def _engine_errors() -> Iterator[None]:
    """The engine went away or refused: one line (exit 2), not a traceback."""
    try:
        yield
    except Exception as error:  # noqa: BLE001
        if not _is_engine_error(error):
            raise
        reason = " ".join(str(error).split())[:200] or type(error).__name__
        raise UsageError(f"lost the Docker engine during the run ({reason})") from None


def _is_engine_error(error: Exception) -> bool:
    import requests
    from docker.errors import DockerException

    return isinstance(error, (DockerException, requests.exceptions.RequestException, ConnectionError))


def _build_failure(project: Project, result: BuildResult) -> Finding:
    log = buildlog.relevant_tail(result.log_lines)
    clash = buildlog.conflict(result.log_lines)
    parsed = requirements.parse(project) if clash else None
    lines = parsed.find(clash.requested) if parsed and clash else []
    if clash and lines:
        why = f": {clash.reason}" if clash.reason else ""
        return build_failed.RULE.finding(
            f"pip cannot install the requirements together: {clash.pin} conflicts with another requirement{why}",
            Location(lines[0].path, lines[0].line),
            hint=f"loosen or update the pin of {clash.requested} (or of the package that needs another version)",
            log=log)
    name = buildlog.failing_requirement(result.log_lines)
    if name:
        parsed = requirements.parse(project)
        lines = parsed.find(name) if parsed else []
        if lines:
            where = Location(lines[0].path, lines[0].line)
            return build_failed.RULE.finding(
                f"pip could not install {name!r}: the build fails at `pip install -r requirements.txt`",
                where, hint="check the name and version on PyPI, and that it has a wheel for Linux/Python 3.12",
                log=log)
    step = buildlog.failed_step(result.log_lines)
    parsed_dockerfile = dockerfile.parse(project)
    where = Location(dockerfile.PATH)
    instruction_text = ""
    if step and parsed_dockerfile and 0 < step <= len(parsed_dockerfile.instructions):
        instruction = parsed_dockerfile.instructions[step - 1]
        where = instruction.location()
        instruction_text = f" at `{instruction.original[:80]}`"
    reason = " ".join((result.error or "docker build failed").split())[:300]
    return build_failed.RULE.finding(f"docker build failed{instruction_text}: {reason}", where,
                                     hint="run `docker build .` locally to see the whole log", log=log)


def _smoke(client: Any, project: Project, options: Options, report: Report, resources: Resources,
           result: BuildResult) -> list[Finding]:
    findings: list[Finding] = []
    limit = options.memory_limit
    with signals_held():
        volume = client.volumes.create(name=resources.name("data"), labels=resources.labels).name
        resources.volumes.append(volume)
    place = placement(client, options.network_container)
    cpus = float(TIERS[options.tier]["cpus"])
    started_wall = time.time()
    container, base, started = smoke.start(client, result.image_id or "", resources, volume, place, limit, cpus,
                                           "app", options.smoke_env)
    watcher = smoke.MemoryWatch(client, container.id)
    run = smoke.watch(container, base, options.smoke_paths, options.timeout, started)
    run.logs = smoke.logs(container)
    # Memory last, so the peak covers as much of the run as possible, but before the restart
    # check stops the container (which ends its cgroup).
    peak = watcher.stop()
    ooms = max(smoke.oom_events(client, container.id, started_wall), watcher.oom_kills)
    writes: list[str] = []
    restart, restart_finding = "skipped", None
    if run.first_answer is not None and not run.exited:
        first_ok = run.answers[options.smoke_paths[0]].ok
        _stop(container)
        # The stopped container's `docker diff` (and its removal) runs while the restart
        # check boots the second one: both wait on the engine, neither needs the other.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            diffed = pool.submit(_diff_and_remove, client, resources, container.id)
            restart, restart_finding = _restart(client, project, options, resources, result, volume, place,
                                                limit, cpus, first_ok)
            writes = diffed.result()
    cold = round(run.first_answer - run.started, 1) if run.first_answer is not None else None
    findings.extend(_boot_and_http(project, options, run))
    findings.extend(_memory(run, peak, ooms, watcher.failcnt, limit, options.tier))
    if cold is not None and cold > COLD_START_LIMIT:
        findings.append(smoke_cold_start.RULE.finding(
            f"the first answer took {cold:.1f} s (Niblit's free tier wakes apps in 3-5 s)",
            hint="do less work at import time: connect lazily, load big files on first use"))
    if writes:
        shown = ", ".join(writes[:10]) + (f" and {len(writes) - 10} more" if len(writes) > 10 else "")
        findings.append(smoke_ephemeral_write.RULE.finding(
            f"the app wrote outside /data, which is reset on redeploy: {shown}",
            hint="write persistent files under /data (DATABASE_PATH, /data/uploads)"))
    if restart_finding is not None:
        findings.append(restart_finding)
    ok = not any(f.severity is Severity.ERROR for f in findings)
    report.smoke = {"status": "ok" if ok else "failed", "cold_start_seconds": cold,
                    "peak_memory_bytes": peak or None, "restart": restart, "memory_limit_bytes": limit,
                    "answers": {path: answer.status for path, answer in run.answers.items()}}
    return findings


def _stop(container: Any) -> None:
    try:
        container.stop(timeout=5)
    except Exception:  # noqa: BLE001 - already stopped or gone
        pass


def _diff_and_remove(client: Any, resources: Resources, container_id: str) -> list[str]:
    """What the stopped first container wrote outside /data; then the container is removed."""
    writes = smoke.ephemeral_writes(client, container_id)
    try:
        client.api.remove_container(container_id, force=True)
        resources.containers.remove(container_id)
    except Exception:  # noqa: BLE001 - gone already, or left for the run's cleanup
        pass
    return writes


def _crash_location(project: Project, log: str) -> tuple[Location, str]:
    crash = tracebacks.last_crash(log)
    if crash is None:
        return Location(None), ""
    where = Location(crash.frame.path, crash.frame.line) if crash.frame and project.has(crash.frame.path) else Location(None)
    return where, crash.error


def _boot_and_http(project: Project, options: Options, run: smoke.Run) -> list[Finding]:
    log = tracebacks.tail(run.logs, 30)
    where, error = _crash_location(project, run.logs)
    if where.path is None:  # no frame of the repository: gunicorn's own reason says more
        error = tracebacks.gunicorn_reason(run.logs) or error
    if run.loopback:
        return [smoke_boot.RULE.finding(
            f"the app listens only on {run.loopback}, the container's own loopback: Niblit connects from "
            "outside the container, so nothing would ever answer",
            hint='bind every address: the template\'s gunicorn --bind 0.0.0.0:5000, or app.run(host="0.0.0.0")',
            log=log)]
    if run.first_answer is None:
        if run.exited:
            why = f"the container exited with code {run.exit_code} before answering"
        elif run.crash_loop:
            why = (f"gunicorn's workers keep dying at start-up ({run.crash_loop} times, respawned each time) "
                   "and nothing answers")
        else:
            why = f"nothing answered on port 5000 within {options.timeout:.0f} s"
        if error:
            why += f" ({error})"
        return [smoke_boot.RULE.finding(why, where, hint="run the image locally and read its log", log=log)]
    findings = []
    for path, answer in run.answers.items():
        if answer.ok:
            continue
        what = f"answered {answer.status}" if answer.status else f"did not answer ({answer.error})"
        if answer.status and answer.status >= 500 and error:
            what += f" ({error})"
        hint = "make the smoke paths answer 2xx/3xx (see the log for the traceback)"
        if answer.status in (401, 403):
            hint = (f"{path} needs a login: smoke-test public paths instead (--smoke-path /login,/health, "
                    'or smoke-paths = ["/login"] in .deploy-check.toml)')
        if answer.status == 404:
            hint = (f"the app has no route for {path}: add one, or smoke-test a path it serves "
                    '(--smoke-path, or smoke-paths = ["/health"] in .deploy-check.toml)')
        findings.append(smoke_http.RULE.finding(
            f"GET {path} {what}", where if answer.status and answer.status >= 500 else Location(None),
            hint=hint, log=log))
    return findings


def _memory(run: smoke.Run, peak: int, ooms: int, failcnt: int, limit: int, tier: str) -> list[Finding]:
    mib = 1024 * 1024
    killed = run.oom_killed or ooms > 0 or bool(_WORKER_KILLED.search(run.logs))
    fits = next((name for name, t in TIERS.items() if t["memory_bytes"] > limit), None)
    if killed:
        more = f"; the {fits} tier has {TIERS[fits]['memory_bytes'] // mib} MB" if fits else ""
        return [smoke_memory.RULE.finding(
            f"the app was killed for using more than the {tier} tier's {limit // mib} MB of memory{more}",
            hint="use less memory at start-up (fewer workers' worth of data, lazy loading) or a bigger tier",
            log=tracebacks.tail(run.logs, 15))]
    if peak > limit:
        return [smoke_memory.RULE.finding(f"peak memory {peak / mib:.0f} MiB is over the {tier} tier's {limit // mib} MB")]
    if peak > 0.8 * limit:
        return [smoke_memory.RULE.finding(
            f"peak memory {peak / mib:.0f} MiB is {peak / limit:.0%} of the {tier} tier's {limit // mib} MB",
            severity=Severity.WARNING, hint="leave headroom: traffic makes memory grow")]
    return []


def _restart(client: Any, project: Project, options: Options, resources: Resources, result: BuildResult,
             volume: str, place: Any, limit: int, cpus: float, first_ok: bool) -> tuple[str, Finding | None]:
    """With the first container stopped, start a new one on the same /data and probe again: it
    must answer as well as the first start did (a path that already failed is smoke-http's)."""
    container, base, started = smoke.start(client, result.image_id or "", resources, volume, place, limit, cpus,
                                           "restart", options.smoke_env)
    run = smoke.watch(container, base, options.smoke_paths[:1], options.timeout, started)
    if run.first_answer is not None and (not first_ok or all(a.ok for a in run.answers.values())):
        return "ok", None
    run.logs = smoke.logs(container)
    where, error = _crash_location(project, run.logs)
    what = error or (f"exited with code {run.exit_code}" if run.exited else "did not answer")
    return "failed", smoke_restart.RULE.finding(
        f"the app does not come back up on a second start against the same /data: {what}", where,
        hint="make start-up idempotent (CREATE TABLE IF NOT EXISTS, os.makedirs(..., exist_ok=True))",
        log=tracebacks.tail(run.logs, 30))
