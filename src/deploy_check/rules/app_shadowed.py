"""A package `app/` (a folder with `__init__.py`) stands beside app.py.

## Why it breaks on Niblit
When both `app/__init__.py` and `app.py` exist, `import app` finds the package
first, so `gunicorn app:app` looks for `app` inside `app/__init__.py` and
never sees app.py. The app fails to boot, or serves something else than you
tested with `python app.py`.

## How to fix
Rename one of them: for example move the package to `myapp/` and import from
it in app.py, or rename app.py and point a new app.py at the package.

## Example
Bad:

```text
app.py
app/__init__.py
```

Good:

```text
app.py            # from myapp import create_app; app = create_app()
myapp/__init__.py
```
"""
from __future__ import annotations

from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("app-shadowed", severity="error", doc=__doc__)


def check(project: Project) -> Iterator[Finding]:
    if project.has("app.py") and project.has("app/__init__.py"):
        yield RULE.finding(
            f"the package app/ shadows app.py: `gunicorn {spec.APP_TARGET}` imports app/__init__.py instead",
            Location("app/__init__.py"),
            hint="rename the app/ package (or app.py) so that `import app` finds app.py",
        )
