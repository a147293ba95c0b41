"""The container exited, or never answered on port 5000.

## Why it breaks on Niblit
Niblit starts the container and waits for the app on port 5000. An import
error, a missing module, a crash at start-up or a server that never listens
fails the deploy ("App crashes on start"). The finding carries the exit code
and the last log lines, and sits on the repository line of the traceback's
innermost frame when there is one.

It does not wait out `--timeout` when the log already tells: gunicorn's
workers dying over and over at start-up (the master respawns them and the
container lives on, answering nothing), or a server listening only on the
container's own 127.0.0.1 (Flask's `app.run()` default), which nothing
outside the container can reach, or on another port than 5000. The latter is
reported even where deploy-check, sharing the app's network inside a runner, got an
answer. Nor when the app's sockets tell, whatever its log says: once it has
listened for 2 s, and never on every address at port 5000 (a silent
`gunicorn --bind 0.0.0.0:8000 --log-level warning`), it is not going to answer.

When the app never answers, its listening sockets (`/proc/net/tcp*` inside the
container) say exactly what it bound (`127.0.0.1:8000`) against what Niblit
connects to (`0.0.0.0:5000`); the finding sits where the bind is decided, as
gunicorn decides it (see `dockerfile-port`): on the `bind = ...` line of
`gunicorn.conf.py` (or the `-c` file) or the `GUNICORN_CMD_ARGS` ENV line when
the CMD has no `--bind`, on the Dockerfile's CMD when a server command there
runs, else on the `app.run(...)` line of app.py.

A container that cannot even start because of what the image holds is
this rule too, placed where the fix goes: gunicorn missing from the image
("gunicorn not found: add gunicorn to requirements.txt", on requirements.txt),
a command that is not there or not executable (on the CMD or ENTRYPOINT
line), a `USER` that does not exist (on the USER line), a `WORKDIR` that
cannot be entered (on the WORKDIR line).

## How to fix
Run the image locally (`docker build -t app . && docker run -p 5000:5000 app`)
and fix what the log shows; start-up code must not need anything Niblit does
not provide (only PORT, FLASK_ENV and DATABASE_PATH are set).

## Example
Bad:

```python
import missing_module  # not in requirements.txt
```

Good:

```python
import requests  # listed in requirements.txt
```
"""
from __future__ import annotations

import re

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.parsing import dockerfile
from deploy_check.observed import Run
from deploy_check.parsing import requirements
from deploy_check.parsing import tracebacks
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("smoke-boot", severity="error", doc=__doc__)

_NOT_IN_PATH = re.compile(r'exec: "([^"]*)": executable file not found')
_NO_SUCH_FILE = re.compile(r'exec: "([^"]*)": stat [^:]*: no such file')
_NOT_EXECUTABLE = re.compile(r'exec: "([^"]*)": permission denied')
_NO_USER = re.compile(r"unable to find (user|group) ([^:]*):|no (user|group)s found")
_WORKDIR = re.compile(r'chdir to cwd \("([^"]*)"\) set in config\.json failed: ([^:]*)')


def judge(project: Project, run: Run) -> list[Finding]:
    """The app listened only on the container's loopback, or never answered (exited, crash-looped,
    timed out): placed on the repository line of the traceback's innermost frame, if any."""
    log = tracebacks.tail(run.logs, 30)
    if run.loopback:
        return [RULE.finding(
            f"the app listens only on {run.loopback}, the container's own loopback: Niblit connects from "
            "outside the container, so nothing would ever answer",
            hint=f'bind every address: the template\'s gunicorn --bind {spec.BIND}, or app.run(host="0.0.0.0")',
            log=log)]
    if run.first_answer is not None:
        return []
    where, error = tracebacks.crash_location(project, run.logs)
    if where.path is None:  # no frame of the repository: gunicorn's own reason says more
        error = tracebacks.gunicorn_reason(run.logs) or error
    if run.exited:
        why = f"the container exited with code {run.exit_code} before answering"
    elif run.crash_loop:
        why = (f"gunicorn's workers keep dying at start-up ({run.crash_loop} times, respawned each time) "
               "and nothing answers")
    else:
        why = f"nothing answered on port {spec.PORT} within {run.timeout:.0f} s"
    if error:
        why += f" ({error})"
    return [RULE.finding(why, where, hint="run the image locally and read its log", log=log)]


def start_failure(project: Project, reason: str) -> Finding:
    """The container could not start because of the image; `reason` is the engine's (one line)."""
    parsed = dockerfile.root(project)
    if match := _NOT_IN_PATH.search(reason):
        program = match.group(1)
        if program == "gunicorn":
            problem = requirements.required_package_problem(project, "gunicorn")
            if problem is not None:
                line = problem[1]
                where = Location(line.path, line.line) if line else Location(requirements.ROOT_FILE)
                return RULE.finding("gunicorn not found: add gunicorn to requirements.txt", where,
                                    hint="add `gunicorn` to requirements.txt: the template's CMD runs it",
                                    log=reason)
        return RULE.finding(f"{program} not found in the image: the container cannot start",
                            _command_line(parsed, program),
                            hint=f"install {program} in the image (requirements.txt for a Python tool), "
                                 "or use the template's gunicorn CMD", log=reason)
    if match := _NO_SUCH_FILE.search(reason) or _NOT_EXECUTABLE.search(reason):
        program = match.group(1)
        missing = "does not exist in the image" if "no such file" in match.group(0) else "is not executable"
        return RULE.finding(f"the container cannot start: {program} {missing}",
                            _command_line(parsed, program),
                            hint="use the template's CMD, or a path that COPY puts there (and chmod +x)", log=reason)
    if match := _NO_USER.search(reason):
        kind = match.group(1) or match.group(3)
        name = f" {match.group(2)!r}" if match.group(2) else ""
        return RULE.finding(f"the container cannot start: the image has no {kind}{name}",
                            _last(parsed, "USER"), hint="create it first (RUN useradd ...) or drop the USER line",
                            log=reason)
    if match := _WORKDIR.search(reason):
        return RULE.finding(f"the container cannot start: cannot enter WORKDIR {match.group(1)} ({match.group(2)})",
                            _last(parsed, "WORKDIR"), hint="use the template's WORKDIR /app", log=reason)
    return RULE.finding("the container cannot start", _command_line(parsed, None),
                        hint="run the image locally (docker run) and read what the engine says", log=reason)


def _last(parsed: dockerfile.ParsedDockerfile | None, cmd: str) -> Location:
    instructions = parsed.of(cmd) if parsed else []
    return instructions[-1].location() if instructions else Location(dockerfile.PATH if parsed else None)


def _command_line(parsed: dockerfile.ParsedDockerfile | None, program: str | None) -> Location:
    """The ENTRYPOINT or CMD that names `program` (the one that takes effect when none does)."""
    if parsed is None:
        return Location(None)
    candidates = [i for cmd in ("ENTRYPOINT", "CMD") for i in parsed.of(cmd)[-1:]]
    for instruction in candidates:
        if program and program in (dockerfile.command_words(instruction) or []):
            return instruction.location()
    return candidates[0].location() if candidates else Location(dockerfile.PATH)
