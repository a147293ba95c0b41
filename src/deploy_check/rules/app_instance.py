"""app.py binds no module-level `app` to a Flask instance.

## Why it breaks on Niblit
The template runs `gunicorn app:app`: gunicorn imports app.py and takes its
module-level variable `app`. An app created only inside a `create_app()`
factory that nobody calls, an app made only under
`if __name__ == "__main__":` (that block never runs under gunicorn), or an
instance with another name (`application = Flask(__name__)`) all fail with
"Failed to find attribute 'app' in 'app'" ("App crashes on start").
`app = create_app()` at module level counts, and so does importing `app` from
another module; what cannot be decided statically is not reported.

## How to fix
Bind the instance at module level:

    app = Flask(__name__)       # or: app = create_app()

## Example
Bad:

```python
def create_app():
    app = Flask(__name__)
    return app

if __name__ == "__main__":
    create_app().run()
```

Good:

```python
def create_app():
    app = Flask(__name__)
    return app

app = create_app()
```
"""
from __future__ import annotations

import ast
from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.parsing import python
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("app-instance", severity="error", doc=__doc__)
PATH = "app.py"
FLASK_CLASSES = frozenset({"flask.Flask", "flask.app.Flask", "apiflask.APIFlask", "flask_openapi3.OpenAPI"})
_NOT_FLASK = {
    "fastapi.FastAPI": "FastAPI", "starlette.applications.Starlette": "Starlette", "quart.Quart": "Quart",
    "sanic.Sanic": "Sanic", "bottle.Bottle": "Bottle", "django.core.wsgi.get_wsgi_application": "Django",
    "aiohttp.web.Application": "aiohttp", "falcon.App": "Falcon", "tornado.web.Application": "Tornado",
}
_FACTORY_NAMES = ("create_app", "make_app", "build_app", "app_factory", "get_app", "init_app")
_HINT = "bind it at module level in app.py: `app = Flask(__name__)` or `app = create_app()`"


def check(project: Project) -> Iterator[Finding]:
    if not project.has(PATH):
        return
    parsed = project.python(PATH)
    if parsed.tree is None or not parsed.parses:
        return  # python-syntax reports it (a line set aside may be the one that binds `app`)
    yield from _check_module(parsed.tree)


def _check_module(tree: ast.Module) -> Iterator[Finding]:
    resolver = python.Resolver(tree, PATH)
    star_imports = any(isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names) for n in tree.body)
    main_blocks = [n for n in tree.body if python.is_main_guard(n)]
    top = [n for n in python.module_level([n for n in tree.body if n not in main_blocks])]
    local_functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}

    bound = False
    for node in top:
        if _binds_app_by_import(node):
            return  # `from x import app`: fine, or not ours to decide
        value = _assigned_to(node, "app")
        if value is None:
            continue
        bound = True
        if isinstance(value, ast.Call):
            name = resolver.qualified(value.func) or ""
            framework = _NOT_FLASK.get(name)
            if framework:
                yield RULE.finding(
                    f"`app` is a {framework} application, not Flask: Niblit's template serves Flask with gunicorn",
                    python.location(PATH, node), hint="port the app to Flask, or use another host",
                )
                return
    if bound or star_imports:
        return

    for block in main_blocks:
        for inner in ast.walk(block):
            if _assigned_to(inner, "app") is not None:
                yield RULE.finding(
                    "`app` is created only under `if __name__ == \"__main__\":`, which never runs under gunicorn",
                    python.location(PATH, inner), hint=_HINT,
                )
                return
    for node in top:
        for name in _assign_names(node):
            value = getattr(node, "value", None)
            if isinstance(value, ast.Call) and (resolver.qualified(value.func) or "") in FLASK_CLASSES:
                yield RULE.finding(
                    f"the Flask instance is named {name!r}: `gunicorn {spec.APP_TARGET}` looks for `app`",
                    python.location(PATH, node), hint=f"rename it to `app` (or add `app = {name}`)",
                )
                return
    factory = next((local_functions[n] for n in _FACTORY_NAMES if n in local_functions), None)
    if factory is not None:
        yield RULE.finding(
            f"app.py defines {factory.name}() but never binds its result to a module-level `app`",
            Location(PATH, factory.lineno, factory.col_offset + 1), hint=f"add `app = {factory.name}()` at module level",
        )
        return
    imported = next((alias.asname or alias.name for node in top if isinstance(node, ast.ImportFrom)
                     for alias in node.names if alias.name in _FACTORY_NAMES), None)
    hint = f"bind it at module level in app.py: `app = {imported}()`" if imported else _HINT
    yield RULE.finding(f"app.py binds no module-level `app`: `gunicorn {spec.APP_TARGET}` has nothing to serve",
                       Location(PATH), hint=hint)


def _assigned_to(node: ast.AST, name: str) -> ast.AST | None:
    if isinstance(node, ast.Assign):
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == name:
                return node.value
            if isinstance(target, (ast.Tuple, ast.List)) and any(
                isinstance(e, ast.Name) and e.id == name for e in target.elts
            ):
                return node.value
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
        return node.value
    if isinstance(node, ast.NamedExpr) and node.target.id == name:
        return node.value
    return None


def _assign_names(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []


def _binds_app_by_import(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return any((a.asname or a.name) == "app" for a in node.names)
    if isinstance(node, ast.Import):
        return any((a.asname or a.name.split(".")[0]) == "app" for a in node.names)
    return False
