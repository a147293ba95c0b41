"""What happened in the build and the smoke test, as findings with the contract's rule ids.

The runtime package runs things and measures them; this module only judges: each
function takes what was seen and returns the findings it amounts to.
"""
from __future__ import annotations

import re

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.finding import Severity
from deploy_check.options import Options
from deploy_check.parsing import dockerfile
from deploy_check.parsing import requirements
from deploy_check.project import Project
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
from deploy_check.spec import DOCKERFILE as DOCKERFILE_TEMPLATE

COLD_START_LIMIT = 10.0
_WORKER_KILLED = re.compile(r"Worker \(pid:\d+\) was sent SIGKILL|Perhaps out of memory", re.IGNORECASE)


def build_failure(project: Project, result: BuildResult, *, template: bool = False) -> Finding:
    """build-failed, on the requirements.txt line pip could not install, else on the failing
    Dockerfile instruction (of the spec's template when that was built: not a line of yours)."""
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
    parsed_dockerfile = dockerfile.parse_text(DOCKERFILE_TEMPLATE) if template else dockerfile.parse(project)
    where = Location(None if template else dockerfile.PATH)
    instruction_text = ""
    if step and parsed_dockerfile and 0 < step <= len(parsed_dockerfile.instructions):
        instruction = parsed_dockerfile.instructions[step - 1]
        where = where if template else instruction.location()
        whose = "the template's " if template else ""
        instruction_text = f" at {whose}`{instruction.original[:80]}`"
    reason = " ".join((result.error or "docker build failed").split())[:300]
    return build_failed.RULE.finding(f"docker build failed{instruction_text}: {reason}", where,
                                     hint="run `docker build .` locally to see the whole log", log=log)


def _crash_location(project: Project, log: str) -> tuple[Location, str]:
    crash = tracebacks.last_crash(log)
    if crash is None:
        return Location(None), ""
    where = Location(crash.frame.path, crash.frame.line) if crash.frame and project.has(crash.frame.path) else Location(None)
    return where, crash.error


def boot_and_http(project: Project, options: Options, run: smoke.Run) -> list[Finding]:
    log = tracebacks.tail(run.logs, 30)
    where, error = _crash_location(project, run.logs)
    if where.path is None:  # no frame of the repository: gunicorn's own reason says more
        error = tracebacks.gunicorn_reason(run.logs) or error
    if run.loopback:
        return [smoke_boot.RULE.finding(
            f"the app listens only on {run.loopback}, the container's own loopback: Niblit connects from "
            "outside the container, so nothing would ever answer",
            hint=f'bind every address: the template\'s gunicorn --bind {spec.BIND}, or app.run(host="0.0.0.0")',
            log=log)]
    if run.first_answer is None:
        if run.exited:
            why = f"the container exited with code {run.exit_code} before answering"
        elif run.crash_loop:
            why = (f"gunicorn's workers keep dying at start-up ({run.crash_loop} times, respawned each time) "
                   "and nothing answers")
        else:
            why = f"nothing answered on port {spec.PORT} within {options.timeout:.0f} s"
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


def memory(run: smoke.Run, peak: int, ooms: int, limit: int, tier: str) -> list[Finding]:
    mib = 1024 * 1024
    killed = run.oom_killed or ooms > 0 or bool(_WORKER_KILLED.search(run.logs))
    fits = spec.next_tier_with_more_memory(limit)
    if killed:
        more = f"; the {fits.name} tier has {fits.memory_bytes // mib} MB" if fits else ""
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


def cold_start(seconds: float | None) -> list[Finding]:
    if seconds is None or seconds <= COLD_START_LIMIT:
        return []
    return [smoke_cold_start.RULE.finding(
        f"the first answer took {seconds:.1f} s (Niblit's free tier wakes apps in 3-5 s)",
        hint="do less work at import time: connect lazily, load big files on first use")]


def ephemeral_writes(writes: list[str]) -> list[Finding]:
    if not writes:
        return []
    shown = ", ".join(writes[:10]) + (f" and {len(writes) - 10} more" if len(writes) > 10 else "")
    return [smoke_ephemeral_write.RULE.finding(
        f"the app wrote outside /data, which is reset on redeploy: {shown}",
        hint=f"write persistent files under {spec.DATA_DIR} ({spec.DATABASE_PATH_VARIABLE}, {spec.UPLOADS_DIR})")]


def restart_failed(project: Project, run: smoke.Run) -> Finding:
    where, error = _crash_location(project, run.logs)
    what = error or (f"exited with code {run.exit_code}" if run.exited else "did not answer")
    return smoke_restart.RULE.finding(
        f"the app does not come back up on a second start against the same /data: {what}", where,
        hint="make start-up idempotent (CREATE TABLE IF NOT EXISTS, os.makedirs(..., exist_ok=True))",
        log=tracebacks.tail(run.logs, 30))
