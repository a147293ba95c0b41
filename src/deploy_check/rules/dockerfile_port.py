"""The Dockerfile does not EXPOSE 5000, or gunicorn does not bind 0.0.0.0:5000.

## Why it breaks on Niblit
Niblit routes traffic to port 5000 of the container. An app that listens on
another port, or only on 127.0.0.1, never answers: the deploy fails with
"Port mismatch".

The bind is worked out as gunicorn does it (also when a launcher runs it:
`uv run gunicorn`, `poetry run gunicorn`, `python -m gunicorn`): the CMD's `--bind`, else the one
in `GUNICORN_CMD_ARGS` (an ENV line), else `bind = ...` in the config file
(the one `-c` names, else `gunicorn.conf.py` at the root; read, never run),
else gunicorn's default, `0.0.0.0:$PORT` when PORT is set (`127.0.0.1:8000`
when it is not). Niblit sets PORT=5000, so a CMD without `--bind` listens
on 0.0.0.0:5000 there: that is template drift (`dockerfile-cmd`), not a port
error. A wrong bind is reported on the line that decides it (the CMD, the
ENV line, the config file's `bind`); an `ENV PORT=8000` that moves a bind
following PORT is reported on that ENV line, since wherever it is not
overridden (the spec's own `docker run -p 5000:5000` test) the app listens
on 8000. A bind that cannot be told statically (`bind =
os.environ["BIND"]`) is not reported. Binds are read as gunicorn reads
them: `:5000`, `[::]:5000` and `tcp://0.0.0.0:5000` listen on every address
at port 5000 too, and so does a CMD with an extra `--bind` beside the
template's; those are drift (`dockerfile-cmd`), not a port error. A bind
with no port (`0.0.0.0`) is gunicorn's port 8000.

## How to fix
Keep the template's `EXPOSE 5000` and its exec-form CMD with
`"--bind", "0.0.0.0:5000"`.

## Example
Bad:

```dockerfile
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "app:app"]
```

Good:

```dockerfile
EXPOSE 5000
CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "app:app"]
```
"""
from __future__ import annotations

from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.parsing import dockerfile
from deploy_check.parsing import gunicorn_bind
from deploy_check.fixing.dockerfile import with_template_fix
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("dockerfile-port", severity="error", doc=__doc__, fix="safe")
_PORT_OK = {str(spec.PORT), f"{spec.PORT}/tcp"}


def check(project: Project) -> Iterator[Finding]:
    yield from with_template_fix(project, _check(project))


def _check(project: Project) -> Iterator[Finding]:
    parsed = dockerfile.parse(project)
    if parsed is None or parsed.error or not parsed.instructions:
        return
    yield from _expose(project, parsed)
    yield from _bind(project)


def _expose(project: Project, parsed: dockerfile.ParsedDockerfile) -> Iterator[Finding]:
    exposes = parsed.of("EXPOSE")
    for instruction in exposes:
        raw = project.line(parsed.path, instruction.line)
        # The builder expands EXPOSE $PORT from the ENV lines above it.
        env = dockerfile.env_values(parsed, before=instruction.line)
        for port in instruction.value:
            if dockerfile.expand_env(port, env).lower() in _PORT_OK:
                continue
            yield RULE.finding(
                f"EXPOSE {port}: Niblit sends traffic to port 5000 only",
                instruction.location(raw, port),
                hint="expose 5000 and nothing else: `EXPOSE 5000`",
            )
    if not exposes:
        yield RULE.finding(
            "no `EXPOSE 5000`: Niblit expects the app on port 5000",
            Location(parsed.path, parsed.last_line()),
            hint="add `EXPOSE 5000` before the CMD, as in the template",
        )


def _bind(project: Project) -> Iterator[Finding]:
    decided = gunicorn_bind.decide(project)
    if decided is None or decided.binds is None:
        return  # not gunicorn (dockerfile-cmd), or a bind that cannot be told statically
    for bind in decided.wrong():
        hint = f'bind "{spec.BIND}" as the template does'
        if decided.source != "command":  # the command line's --bind wins over both
            hint = f'add "--bind", "{spec.BIND}" to the CMD, as the template does: it wins over {decided.config or decided.source}'
        yield RULE.finding(_wrong_message(decided, bind), bind.where, hint=hint)
    env = gunicorn_bind.port_env(project)
    if not decided.wrong() and decided.follows_port and env is not None and env[0] != str(spec.PORT):
        value, instruction = env
        raw = project.line(instruction.path, instruction.line)
        how = "with no --bind" if decided.source == spec.PORT_VARIABLE else f"bound by {decided.source} to $PORT"
        if decided.source == "config":
            how = f"bound to $PORT by {decided.config}"
        yield RULE.finding(
            f"ENV {spec.PORT_VARIABLE}={value}: gunicorn, {how}, listens on port {value} wherever this value is not "
            f"overridden (the spec's `docker run -p {spec.PORT}:{spec.PORT}` test); Niblit connects to port {spec.PORT}",
            instruction.location(raw, spec.PORT_VARIABLE),
            hint=f"use `ENV {spec.PORT_VARIABLE}={spec.PORT}` and bind it explicitly: {spec.TEMPLATE_CMD_JSON}",
        )


def _wrong_message(decided: gunicorn_bind.Decision, bind: gunicorn_bind.Bind) -> str:
    reach = f"Niblit reaches the app only on {spec.BIND}"
    if decided.source == gunicorn_bind.CMD_ARGS:
        return f"{gunicorn_bind.CMD_ARGS} binds {bind.written!r} (the CMD has no --bind): {reach}"
    if decided.source == "config":
        return f"{decided.config} binds {bind.written!r} (the CMD has no --bind): {reach}"
    return f"gunicorn binds {bind.written!r}: {reach}"
