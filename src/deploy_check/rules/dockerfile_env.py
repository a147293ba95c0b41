"""The Dockerfile's ENV PORT=5000, FLASK_ENV=production or DATABASE_PATH=/data/app.db is missing or different.

## Why it breaks on Niblit
The app reads these at run time: `DATABASE_PATH` tells it where the persistent
SQLite file lives (`/data/app.db`), `PORT` is always 5000, and
`FLASK_ENV=production` keeps debug features off. A different value points the
database outside the persistent volume or the server at the wrong port.

## How to fix
Keep the template's three ENV lines exactly:

    ENV PORT=5000
    ENV FLASK_ENV=production
    ENV DATABASE_PATH=/data/app.db

## Example
Bad:

```dockerfile
ENV DATABASE_PATH=./app.db
```

Good:

```dockerfile
ENV DATABASE_PATH=/data/app.db
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

RULE = Rule("dockerfile-env", severity="error", doc=__doc__, fix="safe")
EXPECTED = spec.ENVIRONMENT


def check(project: Project) -> Iterator[Finding]:
    yield from with_template_fix(project, _check(project))


def _check(project: Project) -> Iterator[Finding]:
    parsed = dockerfile.parse(project)
    if parsed is None or parsed.error or not parsed.instructions:
        return
    last: dict[str, tuple[str, dockerfile.Instruction]] = {}
    for instruction in parsed.of("ENV"):
        for key, value in dockerfile.env_pairs(instruction):
            if key in EXPECTED:
                last[key] = (value, instruction)
    for key, expected in EXPECTED.items():
        if key not in last:
            yield RULE.finding(
                f"ENV {key}={expected} is missing",
                Location(parsed.path, _insertion_line(parsed)),
                hint=f"add `ENV {key}={expected}` as in the template",
            )
            continue
        value, instruction = last[key]
        if value != expected:
            raw = project.line(parsed.path, instruction.line)
            yield RULE.finding(
                f"ENV {key} is {value!r}; Niblit's template sets {expected!r}",
                instruction.location(raw, key),
                hint=f"use `ENV {key}={expected}`",
            )


def _insertion_line(parsed: dockerfile.ParsedDockerfile) -> int:
    """Where the template's ENV lines go: before EXPOSE/CMD, else at the end."""
    for instruction in parsed.instructions:
        if instruction.cmd in ("EXPOSE", "CMD"):
            return instruction.line
    return parsed.last_line()
