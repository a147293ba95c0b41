"""app.py calls `app.run()` at import time, outside `if __name__ == "__main__":`.

## Why it breaks on Niblit
The template runs `gunicorn app:app`: each worker *imports* app.py. An
`app.run()` at module level then starts Flask's development server inside
the worker, which finds port 5000 already held by gunicorn ("Address already
in use") and exits; gunicorn starts another worker, which does the same, and
the app never answers ("App crashes on start").

## How to fix
Keep `app.run()` for local runs only, under the main guard, or drop it:
gunicorn does the serving.

`--fix` does it (a safe fix): a module-level `app.run(...)` statement moves,
comments and formatting kept, to the end of app.py under
`if __name__ == "__main__":` (into the last such block when there is one).
A call inside another block (`try:`, `if DEBUG:`) is left for you to move.

## Example
Bad:
```python
app = Flask(__name__)
app.run(host="0.0.0.0", port=5000)
```
Good:
```python
app = Flask(__name__)

if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5000)
```
"""
from __future__ import annotations

import ast
from collections.abc import Iterator

from deploy_check.finding import Finding
from deploy_check.finding import Fix
from deploy_check.fixing import codemod
from deploy_check.parsing import python
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("app-run-at-import", severity="error", doc=__doc__, fix="safe")
PATH = "app.py"
# What serves the app: Flask's own run(), and Flask-SocketIO's socketio.run(app).
_SERVERS = ("app.run", "application.run", "socketio.run")


def check(project: Project) -> Iterator[Finding]:
    if not project.has(PATH):
        return
    parsed = project.python(PATH)
    tree = parsed.tree
    if tree is None or not parsed.parses:
        return  # python-syntax reports it
    body = [node for node in tree.body if not python.is_main_guard(node)]
    for node in python.module_level(body):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            name = python.dotted(node.value.func) or ""
            if name in _SERVERS:
                yield RULE.finding(
                    f"{name}() runs when gunicorn imports app.py: each worker starts a second server on "
                    "port 5000, which gunicorn holds, and dies",
                    python.location(PATH, node),
                    hint='move it under `if __name__ == "__main__":` (gunicorn does the serving)',
                    fix=_fix(project, node) if node in tree.body else None,
                )


def _fix(project: Project, node: ast.stmt) -> Fix | None:
    edits = codemod.at_node(PATH, project.read_text(PATH), node, ("SimpleStatementLine",),
                            codemod.move_under_main_guard)
    return Fix(True, edits, 'move app.run() under `if __name__ == "__main__":`') if edits else None
