"""No app.py at the root of the repository.

## Why it breaks on Niblit
The template's CMD runs `gunicorn ... app:app`: it imports the module `app`
from /app, that is `app.py` at the root of the zip. Without it the workers fail
to boot and the deploy fails ("App crashes on start").

## How to fix
Put the Flask entry point in `app.py` at the root (or add an `app.py` that
imports it: `from myproject.main import app`).

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

from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("app-missing", severity="error", doc=__doc__)
_CANDIDATES = ("main.py", "wsgi.py", "run.py", "application.py", "server.py", "src/app.py", "app/app.py", "app/main.py")


def check(project: Project) -> Iterator[Finding]:
    if project.has("app.py"):
        return
    candidates = [name for name in _CANDIDATES if project.has(name) and "Flask" in (project.read_text(name) or "")]
    hint = "add app.py at the root with `app = Flask(__name__)`"
    if candidates:
        module = candidates[0][:-3].replace("/", ".")
        hint = f"add app.py at the root with `from {module} import app` (or move {candidates[0]} there)"
    yield RULE.finding("no app.py at the root: `gunicorn app:app` has nothing to import", Location("app.py"), hint=hint)
