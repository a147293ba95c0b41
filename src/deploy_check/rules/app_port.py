"""`app.run(...)` asks for a port other than 5000.

## Why it breaks on Niblit
On Niblit gunicorn serves the app on port 5000 and `app.run()` never runs,
so this is a warning, not an error: but a hard-coded other port means that
running the app the way you test it locally (`python app.py`) differs from how
Niblit runs it, and a Dockerfile or script that starts the app with
`python app.py` would listen on the wrong port ("Port mismatch").

## How to fix
Use 5000, or read PORT from the environment (Niblit sets it to 5000):

    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", 5000)))

## Example
Bad:

```python
app.run(debug=True, port=8080)
```

Good:

```python
app.run(port=int(os.environ.get("PORT", 5000)))
```
"""
from __future__ import annotations

import ast
from collections.abc import Iterator
from collections.abc import Sequence

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.parsing import python
from deploy_check.project import ParsedPython
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("app-port", severity="warning", doc=__doc__)


def check_module(project: Project) -> Iterator[Finding]:
    for module in python.deployed_modules(project):
        for value, where in run_ports(project, module):
            if value != spec.PORT:
                yield RULE.finding(
                    f"app.run() listens on port {value}: Niblit serves the app on port 5000",
                    where,
                    hint='use port=int(os.environ.get("PORT", 5000))',
                )


def run_ports(project: Project, module: ParsedPython) -> Iterator[tuple[int, Location]]:
    """The literal ports `app.run(...)` (or `socketio.run(...)`) asks for in one module."""
    if not python.mentions(project, module, ".run("):
        return
    nodes = python.nodes(project, module)
    flask_names = _flask_names(nodes)
    for node in nodes:
        port = _run_port(node, flask_names)
        if port is None:
            continue
        value = port.value if isinstance(port, ast.Constant) else None
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            yield value, python.location(module.path, port)


def _flask_names(nodes: Sequence[ast.AST]) -> set[str]:
    names = {"app", "application"}
    for node in nodes:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = python.dotted(node.value.func) or ""
            if func.endswith("Flask") or func.endswith("create_app"):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _run_port(node: ast.AST, flask_names: set[str]) -> ast.AST | None:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "run"):
        return None
    receiver = python.dotted(node.func.value) or ""
    if receiver in flask_names:
        position = 1  # app.run(host, port)
    elif receiver.endswith("socketio"):
        position = 2  # socketio.run(app, host, port)
    else:
        return None
    for keyword in node.keywords:
        if keyword.arg == "port":
            return keyword.value
    return node.args[position] if len(node.args) > position else None
