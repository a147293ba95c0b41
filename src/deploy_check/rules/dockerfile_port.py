"""The Dockerfile does not EXPOSE 5000, or gunicorn does not bind 0.0.0.0:5000.

## Why it breaks on Niblit
Niblit routes traffic to port 5000 of the container. An app that listens on
another port, or only on 127.0.0.1 (gunicorn's default is 127.0.0.1:8000),
never answers: the deploy fails with "Port mismatch".

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
    yield from _bind(project, parsed)


def _expose(project: Project, parsed: dockerfile.ParsedDockerfile) -> Iterator[Finding]:
    exposes = parsed.of("EXPOSE")
    for instruction in exposes:
        raw = project.line(dockerfile.PATH, instruction.line)
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
            Location(dockerfile.PATH, parsed.last_line()),
            hint="add `EXPOSE 5000` before the CMD, as in the template",
        )


def _bind(project: Project, parsed: dockerfile.ParsedDockerfile) -> Iterator[Finding]:
    cmd = dockerfile.final_command(parsed)
    if cmd is None or parsed.of("ENTRYPOINT"):
        return  # no CMD or an ENTRYPOINT: dockerfile-cmd says what runs instead
    words = dockerfile.command_words(cmd)
    if not words or "gunicorn" not in words[0]:
        return  # not gunicorn: dockerfile-cmd
    binds, _ = dockerfile.split_bind(words)
    raw = project.line(dockerfile.PATH, cmd.line)
    env = dockerfile.env_values(parsed) if not cmd.json else {}
    if not binds:
        yield RULE.finding(
            "gunicorn has no --bind: it listens on 127.0.0.1:8000, which Niblit cannot reach",
            cmd.location(),
            hint=f'add "--bind", "{spec.BIND}" to the CMD',
        )
        return
    for bind in binds:
        effective = dockerfile.expand_env(bind, env)
        if effective != spec.BIND:
            yield RULE.finding(
                f"gunicorn binds {bind!r}: Niblit reaches the app only on {spec.BIND}",
                cmd.location(raw, bind),
                hint=f'bind "{spec.BIND}" as the template does',
            )
