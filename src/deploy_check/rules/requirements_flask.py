"""requirements.txt does not require flask.

## Why it breaks on Niblit
Flask is the framework the spec is for: without it `import flask` in app.py fails and the app crashes on start.
Names are compared as pip compares them (`Flask`, `flask[extra]==1.0` and
requirements pulled in with `-r other.txt` all count); a requirement whose
environment marker excludes Linux (`; sys_platform == "win32"`) does not.

## How to fix
Add `flask` to requirements.txt (pinning a version is good practice).

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
from deploy_check.parsing import pip_installs
from deploy_check.parsing import requirements
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("requirements-flask", severity="error", doc=__doc__, fix="safe")


def check(project: Project) -> Iterator[Finding]:
    problem = requirements.required_package_problem(project, "flask")
    if problem is None:
        return
    message, line = problem
    message += pip_installs.mention(project, "flask")
    where = Location(line.path, line.line) if line else Location(requirements.ROOT_FILE)
    # Under a marker that excludes Niblit: which marker was meant needs a human.
    fix = add_fix(project, "flask") if line is None else None
    yield RULE.finding(message, where, hint="add `flask` to requirements.txt", fix=fix)
