"""No app.py at the root of the repository.

## Why it breaks on Niblit
The template's CMD runs `gunicorn ... app:app`: it imports the module `app`
from /app, that is `app.py` at the root of the zip. Without it the workers fail
to boot and the deploy fails ("App crashes on start").

## How to fix
Put the Flask entry point in `app.py` at the root (or add an `app.py` that
imports it: `from myproject.main import app`). The hint names the module
that already binds `app` (`wsgi.py`, `run.py`, `microblog.py`, ...). A
package named `app/` is in the way: `import app` finds the package, never an
`app.py` beside it, so rename the package (and the imports that use it)
first.

## Example
Bad: the app lives in `main.py`.

Good: `app.py`:

```python
from flask import Flask

app = Flask(__name__)
```
"""
from __future__ import annotations

from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.parsing import python
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("app-missing", severity="error", doc=__doc__)
# Where an entry point usually is, most likely first; any root-level module that binds
# `app` counts too.
_USUAL = ("main.py", "wsgi.py", "run.py", "application.py", "server.py", "src/app.py", "app/app.py", "app/main.py")


def check(project: Project) -> Iterator[Finding]:
    if project.has("app.py"):
        return
    entry = next(iter(_entry_points(project)), None)
    module = entry[:-3].replace("/", ".") if entry else None
    message = f"no app.py at the root: `gunicorn {spec.APP_TARGET}` has nothing to import"
    if project.has("app/__init__.py"):
        # `import app` finds the package: an app.py beside it would never be imported.
        message = f"no app.py at the root: `gunicorn {spec.APP_TARGET}` imports the package app/ instead"
        target = f"`from {module} import app`" if module and not module.startswith("app.") else "the Flask app"
        hint = (f"rename the package app/ (and its imports), which would shadow an app.py, "
                f"then add app.py at the root with {target}")
    elif entry:
        hint = f"add app.py at the root with `from {module} import app` (or move {entry} there)"
    else:
        hint = "add app.py at the root with `app = Flask(__name__)`"
    yield RULE.finding(message, Location("app.py"), hint=hint)


def _entry_points(project: Project) -> list[str]:
    """Modules that bind a module-level `app` (tests aside): the usual names first."""
    root_level = sorted(p for p in project.python_files()
                        if "/" not in p and not p.startswith("test_") and p != "conftest.py")
    ordered = [p for p in _USUAL if project.has(p)] + [p for p in root_level if p not in _USUAL]
    return [path for path in ordered
            if (tree := project.python(path).tree) is not None and python.binds_at_module_level(tree, "app")]
