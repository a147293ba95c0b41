"""A package `app/` (a folder with `__init__.py`) stands beside app.py.

## Why it breaks on Niblit
When both `app/__init__.py` and `app.py` exist, `import app` finds the package
first, so `gunicorn app:app` looks for `app` inside `app/__init__.py` and
never sees app.py. The app fails to boot, or serves something else than you
tested with `python app.py`.

## How to fix
Rename one of them: for example move the package to `myapp/` and import from
it in app.py, or rename app.py and point a new app.py at the package.

There is no automatic fix (a rename touches every import of the package);
the finding says exactly what to rename: the folder, and each file that
imports from it.

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

import ast
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
            hint=_rename_hint(project),
        )


NEW_NAME = "webapp"


def _rename_hint(project: Project) -> str:
    """Exactly what to rename: the folder, then the imports of it, file by file."""
    new = NEW_NAME if not project.has(f"{NEW_NAME}/__init__.py") else f"{NEW_NAME}_package"
    importers = sorted(path for path in project.python_files() if _imports_app(project, path))
    where = ""
    if importers:
        shown = ", ".join(importers[:8]) + (f" and {len(importers) - 8} more" if len(importers) > 8 else "")
        where = f", then in {shown} change `from app` / `import app.` to `from {new}` / `import {new}.`"
    return (f"rename the folder app/ to {new}/ (any name but app){where}; app.py then imports the "
            f"package as {new}")


def _imports_app(project: Project, path: str) -> bool:
    tree = project.python(path).tree
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "app":
            return True
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "app" for a in node.names):
            return True
    return False
