"""Build the image and smoke-test it as Niblit runs it, turning what happens into findings."""
from __future__ import annotations

import concurrent.futures
import dataclasses
import time
from collections.abc import Callable
from typing import Any

from deploy_check import spec
from deploy_check.errors import UsageError
from deploy_check.finding import Finding
from deploy_check.finding import Severity
from deploy_check.options import Options
from deploy_check.project import Project
from deploy_check.observed import BuildFailure
from deploy_check.observed import Memory
from deploy_check.observed import Restart
from deploy_check.observed import Run
from deploy_check.observed import Stored
from deploy_check.rules import build_failed
from deploy_check.rules import smoke_boot
from deploy_check.rules import smoke_cold_start
from deploy_check.rules import smoke_ephemeral_write
from deploy_check.rules import smoke_http
from deploy_check.rules import smoke_memory
from deploy_check.stages import BuildStage
from deploy_check.stages import SmokeStage
from deploy_check.rules import smoke_restart
from deploy_check.runtime import faults
from deploy_check.runtime import importtime
from deploy_check.runtime import memory
from deploy_check.runtime import persistence
from deploy_check.runtime import routes
from deploy_check.runtime import smoke
from deploy_check.runtime import sockets
from deploy_check.runtime.build import BuildResult
from deploy_check.runtime.build import PendingBuild
from deploy_check.runtime.client import connect
from deploy_check.runtime.inspection import Inspection
from deploy_check.runtime.network import placement
from deploy_check.runtime.resources import Resources
from deploy_check.runtime.resources import new_run_id
from deploy_check.runtime.resources import signals_held
from deploy_check.runtime.source import REPOSITORY
from deploy_check.runtime.source import TEMPLATE
from deploy_check.runtime.source import BuildSource


@dataclasses.dataclass
class RuntimeResult:
    """What building and smoke-testing gave: the two stages and their findings."""

    build: BuildStage
    smoke: SmokeStage
    findings: list[Finding]


class Runtime:
    """Build and smoke-test one project. `start()` sets the engine building and returns at
    once (the lint runs meanwhile); `finish()` waits for the build, runs the smoke test and
    returns the stages and findings. Leaving the `with` block cancels an unfinished build and
    removes everything the run created, on every path.

    An engine that cannot be reached, or fails mid-run, never raises out of here: the stage
    it stopped is `"status": "error"` with the reason (runtime/faults.py says whose fault
    each engine error is), the findings so far are kept, and the caller renders the report
    and exits 2."""

    def __init__(self, project: Project, options: Options, docker_client: Any = None,
                 source: BuildSource | None = None) -> None:
        self.project, self.options = project, options
        self.source = source or BuildSource(REPOSITORY, project.root)
        self.unreachable: str | None = None
        try:
            self.client = connect(docker_client)
        except UsageError as error:
            self.client, self.unreachable = None, str(error)
        self.resources = Resources(self.client, new_run_id())
        self._build: PendingBuild | None = None
        self._started = False
        self._failed: str | None = None  # why the engine ended the build before finish()
        self._ran = RuntimeResult(self.source.stage(), SmokeStage(), [])

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._build is not None:
            self._build.cancel()  # nothing to do once it finished
        if self.client is not None:
            self.resources.cleanup()

    def start(self) -> None:
        if self.client is None or self._started:
            return
        self._started = True
        try:
            self._build = PendingBuild(self.client, self.source.context, self.resources, self.source.dockerfile_path)
        except Exception as error:  # noqa: BLE001 - sorted by whose fault it is
            if not faults.is_engine_error(error):
                raise  # our own bug: exit 3
            self._failed = faults.engine_reason(self.client, error, "build")

    def finish(self) -> RuntimeResult:
        """Build (and unless skip_smoke, run) the image: the stages and what they found."""
        if self.client is None:
            return RuntimeResult(self._error_build(str(self.unreachable)), SmokeStage(), [])
        self.start()
        if self._failed is not None:
            return RuntimeResult(self._error_build(self._failed), SmokeStage(), [])
        ran = self._ran
        try:
            self._finish()
        except Exception as error:  # noqa: BLE001 - an engine error ends the stage it stopped
            if not faults.is_engine_error(error):
                raise  # our own bug: exit 3
            if ran.build.status in ("ok", "failed"):
                ran.smoke = SmokeStage("error", reason=faults.engine_reason(self.client, error, "smoke test"))
            else:
                ran.build = self._error_build(faults.engine_reason(self.client, error, "build"))
        return dataclasses.replace(ran, findings=self.source.original(ran.findings))

    def _error_build(self, reason: str) -> BuildStage:
        return dataclasses.replace(self.source.stage("error"), reason=reason)

    def _finish(self) -> None:
        """Fill self._ran as the stages go, so that an engine error keeps what came before it."""
        assert self._build is not None
        options, resources, ran = self.options, self.resources, self._ran
        # Findings are placed in the tree that was built (a fixed copy, perhaps), then mapped back.
        project = Project(self.source.context) if self.source.fixed_tree else self.project
        result = self._build.finish(options.progress)  # type: ignore[arg-type]
        ran.build = self.source.stage("ok" if result.ok else "failed", result.seconds, result.image_size)
        if not result.ok:
            failure = BuildFailure(tuple(result.log_lines), result.error, template=self.source.dockerfile == TEMPLATE)
            ran.findings.extend(build_failed.judge(project, failure))
            return
        if options.keep_image:
            resources.images.remove(self._build.tag)
        if options.skip_smoke:
            return
        ran.smoke, found = _smoke(self.client, project, options, resources, result, self.source.original)
        ran.findings.extend(found)


def _smoke(client: Any, project: Project, options: Options, resources: Resources, result: BuildResult,
           original: Callable[[list[Finding]], list[Finding]] = list) -> tuple[SmokeStage, list[Finding]]:
    """The smoke test's stage and findings, placed in the tree that was built; `original` puts
    them on the user's own lines, for the JSON route entries (the caller maps the findings)."""
    findings: list[Finding] = []
    limit = options.memory_limit
    with signals_held():
        volume = client.volumes.create(name=resources.name("data"), labels=resources.labels).name
        resources.volumes.append(volume)
    place = placement(client, options.network_container)
    cpus = spec.tier(options.tier).cpus
    started_wall = time.time()
    how = smoke.Launch(client, result.image_id or "", resources, volume, place, limit, cpus, options.smoke_env)
    # The inspection first: it imports the app as the boot does, and is done about when the app answers.
    inspection = Inspection(how)
    try:
        container, base, started = smoke.start(how, "app")
    except smoke.StartFailed as failed:
        inspection.result(0, None)
        stage = SmokeStage("failed", memory_limit_bytes=limit, answers={})
        return stage, [smoke_boot.start_failure(project, failed.reason)]
    watcher = smoke.MemoryWatch(client, container.id)
    run = smoke.watch(container, base, options.smoke_paths, options.timeout, started)
    booted = None if run.first_answer is None else run.first_answer - run.started
    answered = run.first_answer is not None and not run.exited
    writes: list[str] = []
    restart, restart_findings = "skipped", []
    volumes, workdir = persistence.image_layout(result.image_config)
    first_stored = second_stored = None
    # Engine calls that need nothing of what the main thread does meanwhile go to the pool: the
    # restart check's container is created while the first one runs (a create touches neither
    # it nor its memory), the OOM events are read while its files are. Leaving the block
    # waits for them, so an interrupt cannot leave a create unrecorded for the cleanup.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        second = pool.submit(smoke.create, how, "restart") if answered else None
        after_boot = memory.settled(client, container.id) if answered else None
        inspected = inspection.result(options.timeout, booted)
        listening = None
        if not run.exited and (run.first_answer is None or run.loopback):  # what did it bind instead?
            listening = sockets.wrong_bind(project, sockets.read(container), run.elsewhere or run.listening)
        failed_paths = [path for path, answer in run.answers.items() if (answer.status or 0) >= 500]
        if failed_paths and not run.exited:  # their tracebacks, before the probes' add to the log
            run.logs = routes.log_holding(lambda: smoke.logs(container), failed_paths)
        probed = _probe_routes(project, options, run, container, inspected) if options.probe_routes else None
        # Memory last, so the peak covers as much of the run as possible, but before the restart
        # check stops the container (which ends its cgroup), and before an exec adds to it.
        after_requests = memory.processes(client, container.id) if after_boot else None
        peak = watcher.stop()
        weighed = memory.breakdown(after_boot, after_requests, inspected.imports_memory)
        oom_events = pool.submit(smoke.oom_events, client, container.id, started_wall)
        if answered:
            first_stored = persistence.take(container, volumes, workdir, started_wall)
        ooms = max(oom_events.result(), watcher.oom_kills)
        created = second.result() if second is not None else None
    if created is not None:
        first_ok = run.answers[options.smoke_paths[0]].ok
        _stop(container)
        # The stopped container's `docker diff` (and its removal) runs while the restart
        # check boots the second one: both wait on the engine, neither needs the other.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            diffed = pool.submit(_diff_and_remove, client, resources, container.id)
            restarted, second_stored = _restart(how, created, options, volumes, workdir)
            restart_findings = smoke_restart.judge(project, restarted, first_ok=first_ok)
            restart = "failed" if restart_findings else "ok"
            writes = diffed.result()
    cold = run.cold_start
    if listening is None:
        findings.extend(smoke_boot.judge(project, run))
        findings.extend(smoke_http.judge(project, run))
    else:
        findings.append(listening)
    findings.extend(smoke_memory.judge(Memory(peak, limit, options.tier, ooms, run.oom_killed, run.logs, weighed)))
    imports = importtime.explain(project, inspected.importtime_lines)
    findings.extend(smoke_cold_start.judge(cold, options.tier, imports))
    if probed is not None:
        findings.extend(f for _, f in probed.judged if f is not None)
    elsewhere = set(smoke_ephemeral_write.databases_elsewhere(first_stored, volumes))
    # A VOLUME's mount point shows in `docker diff`; what was written in it is judge_hidden's.
    hidden = [path for path in writes if path in elsewhere or any(path == v or path.startswith(v + "/") for v in volumes)]
    findings.extend(smoke_ephemeral_write.judge([path for path in writes if path not in hidden]))
    findings.extend(smoke_ephemeral_write.judge_hidden(first_stored, volumes))
    if not restart_findings:  # it came back up: did what it stored come back too?
        restart_findings = smoke_restart.judge_persistence(first_stored, second_stored)
        restart = "failed" if any(f.severity is Severity.ERROR for f in restart_findings) else restart
    findings.extend(restart_findings)
    ok = not any(f.severity is Severity.ERROR for f in findings)
    stage = SmokeStage("ok" if ok else "failed", cold, peak or None, restart, memory_limit_bytes=limit,
                       answers={path: answer.status for path, answer in run.answers.items()},
                       routes=[{"path": path, "status": answer.status, "seconds": answer.seconds}
                               for path, answer in run.answers.items()])
    if imports is not None:
        stage.cold_start = imports.to_json()
    if weighed is not None:
        stage.memory = weighed.to_json()
    if first_stored is not None:
        stage.persistence = persistence.to_json(first_stored, second_stored, volumes)
    if probed is not None:
        route_findings = [finding for _, finding in probed.judged if finding is not None]
        placed = dict(zip(map(id, route_findings), original(route_findings)))
        stage.routes = [*(stage.routes or []), *(routes.to_json(item, finding and placed[id(finding)])
                                                  for item, finding in probed.judged)]
        stage.route_discovery = probed.summary
    return stage, findings


def _probe_routes(project: Project, options: Options, run: Run, container: Any,
                  inspected: Any) -> routes.Probed | None:
    """After a good boot: the app's own GET routes, probed; their tracebacks are read from a
    fresh log (the run's own log stays as it was, for the smoke paths' findings)."""
    if run.first_answer is None or run.exited or run.loopback:
        return None
    source, found = routes.discover(project, inspected)
    selection = routes.select(source, found, options.smoke_paths, options.skip_routes)
    since = int(time.time()) - 1
    answers = routes.probe_all(run.base_url, selection.probe)
    # Each failed probe logs its traceback (a hundred lines under SQLAlchemy): read them all,
    # once the engine has copied the last ones out of the container.
    log = routes.settled_log(lambda: smoke.logs(container, routes.LOG_LINES, since), answers) if answers else run.logs
    return routes.Probed(selection, [(item, routes.judge(project, item, log)) for item in answers],
                         inspected.error if source != "url_map" else None)


def _stop(container: Any) -> None:
    try:
        container.stop(timeout=5)
    except Exception:  # noqa: BLE001 - already stopped or gone
        pass


def _diff_and_remove(client: Any, resources: Resources, container_id: str) -> list[str]:
    """What the stopped first container wrote outside /data; then the container is removed."""
    writes = smoke.ephemeral_writes(client, container_id)
    try:
        client.api.remove_container(container_id, force=True, v=True)  # and its anonymous VOLUMEs
        resources.containers.remove(container_id)
    except Exception:  # noqa: BLE001 - gone already, or left for the run's cleanup
        pass
    return writes


def _restart(how: smoke.Launch, created: Any, options: Options, volumes: list[str],
             workdir: str) -> tuple[Restart, Stored | None]:
    """With the first container stopped, start the second one (`created` on the same /data)
    and probe the first smoke path again; then read what it finds stored there."""
    since = time.time()
    try:
        container, base, started = smoke.launch(created, how.place)
    except smoke.StartFailed as failed:
        return Restart(None, failed.reason), None
    run = smoke.watch(container, base, options.smoke_paths[:1], options.timeout, started)
    stored = persistence.take(container, volumes, workdir, since) if run.first_answer is not None else None
    return Restart(run), stored
