"""requirements.txt does not require gunicorn.

## Why it breaks on Niblit
The template starts the app with `gunicorn`; without it the container fails with "gunicorn: executable file not found" ("gunicorn not found").
Names are compared as pip compares them (`Gunicorn`, `gunicorn[extra]==1.0` and
requirements pulled in with `-r other.txt` all count); a requirement whose
environment marker excludes Linux (`; sys_platform == "win32"`) does not.

## How to fix
Add `gunicorn` to requirements.txt (pinning a version is good practice).

## Example
Bad:

```text
requests==2.32.3
```

Good:

```text
flask==3.0.3
gunicorn==22.0.0
requests==2.32.3
```
"""
from __future__ import annotations

from collections.abc import Iterator

from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.fixing.requirements import add_fix
from deploy_check.parsing import requirements
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("requirements-gunicorn", severity="error", doc=__doc__, fix="safe")


def check(project: Project) -> Iterator[Finding]:
    problem = requirements.required_package_problem(project, "gunicorn")
    if problem is None:
        return
    message, line = problem
    where = Location(line.path, line.line) if line else Location(requirements.ROOT_FILE)
    # Under a marker that excludes Niblit: which marker was meant needs a human.
    fix = add_fix(project, "gunicorn") if line is None else None
    yield RULE.finding(message, where, hint="add `gunicorn` to requirements.txt", fix=fix)
