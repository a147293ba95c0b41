"""No app.py at the root of the repository.

## Why it breaks on Niblit
The template's CMD runs `gunicorn ... app:app`: it imports the module `app`
from /app, that is `app.py` at the root of the zip. Without it the workers fail
to boot and the deploy fails ("App crashes on start").

## How to fix
Put the Flask entry point in `app.py` at the root (or add an `app.py` that
imports it: `from myproject.main import app`). The hint names the module
that already binds `app` (the one the Dockerfile's gunicorn target, or that of a
`Dockerfile.prod` standing in for it, the Procfile or FLASK_APP names first; else
`wsgi.py`, `run.py`, `microblog.py`, ...), or, in a
project that has only an app factory, that factory (`from flaskr import
create_app` and `app = create_app()`), never a bare `Flask(__name__)` that
would serve an empty app. A
package named `app/` is in the way: `import app` finds the package, never an
`app.py` beside it, so rename the package (and the imports that use it)
first.

`--fix` writes that app.py (a new file; nothing else changes): `from wsgi import
app` when a root-level module or package binds `app` (safe; for a module in a
subfolder, `from src.app import app`, safe unless it imports a module of its own
folder by an absolute name, which resolves only with that folder on the path), or for a
factory `from flaskr import create_app` and `app = create_app()`, passing
`"production"` when the factory takes a configuration name and the code has a
`"production"` entry. Where the factory needs arguments the code does not
show, the fix is unsafe (`--unsafe-fixes`): check them. With a package `app/`
in the way there is no automatic fix (see app-shadowed for what to rename).
A module whose name no import statement can spell (`rest-server.py`) is
imported with `importlib.import_module("rest-server").app`.

## Example
Bad: the app lives in `main.py`.

Good: `app.py`:

```python
from flask import Flask

app = Flask(__name__)
```
"""
from __future__ import annotations

import ast
from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Fix
from deploy_check.finding import Location
from deploy_check.fixing.text import new_file
from deploy_check.parsing import python
from deploy_check.parsing import reachability
from deploy_check.parsing.imports import is_deployed_code
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("app-missing", severity="error", doc=__doc__, fix="safe or unsafe")
# Where an entry point usually is, most likely first; any root-level module that binds
# `app` counts too.
_USUAL = ("main.py", "wsgi.py", "run.py", "application.py", "server.py", "src/app.py", "app/app.py", "app/main.py")


def check(project: Project) -> Iterator[Finding]:
    if project.has("app.py"):
        return
    entry = next(iter(_entry_points(project)), None)
    # A package's __init__.py is imported as the package: `sayhello.__init__` would be a
    # second copy of the module, whose app the views (`from sayhello import app`) never see.
    module = entry.removesuffix(".py").removesuffix("/__init__").replace("/", ".") if entry else None
    message = f"no app.py at the root: `gunicorn {spec.APP_TARGET}` has nothing to import"
    if project.has("app/__init__.py"):
        # `import app` finds the package: an app.py beside it would never be imported.
        message = f"no app.py at the root: `gunicorn {spec.APP_TARGET}` imports the package app/ instead"
        target = f"`{_binding(module)}`" if module and not module.startswith("app.") else "the Flask app"
        hint = (f"rename the package app/ (and its imports), which would shadow an app.py, "
                f"then add app.py at the root with {target}")
    elif entry:
        hint = f"add app.py at the root with `{_binding(str(module))}` (or move {entry} there)"
    elif (found := _factory(project) or _deeper_factory(project)) is not None:
        # A factory-only project: an empty `Flask(__name__)` would serve nothing of it.
        where, function = found
        arguments, _ = _production_arguments(project, where, function)
        hint = (f"add app.py at the root with `from {where} import {function.name}` and "
                f"`app = {function.name}({arguments})`")
    else:
        hint = "add app.py at the root with `app = Flask(__name__)`"
    fix = None if project.has("app/__init__.py") else _shim(project, entry, module)
    yield RULE.finding(message, Location("app.py"), hint=hint, fix=fix)


_FACTORIES = ("create_app", "make_app", "build_app", "app_factory", "get_app")
_CONFIG_PARAMETERS = ("config", "config_name", "configuration", "env", "environment", "mode", "settings")
_PRODUCTION_KEYS = (spec.FLASK_ENV, "prod")


def _shim(project: Project, entry: str | None, module: str | None) -> Fix | None:
    """The app.py that binds `app` from where it lives, as a new file."""
    if entry and module and not module.startswith("app."):
        return Fix(_imports_no_sibling(project, entry), (new_file("app.py", _import_app(module)),),
                   f"write app.py: {_binding(module)}")
    package = _package_binding_app(project)
    if package is not None:
        return Fix(True, (new_file("app.py", _import_app(package)),), f"write app.py: {_binding(package)}")
    found = _factory(project)
    if found is None:
        return None
    where, function = found
    arguments, safe = _production_arguments(project, where, function)
    name = function.name
    content = f"from {where} import {name}\n\napp = {name}({arguments})\n"
    if not _importable(where):
        content = f'import importlib\n\napp = importlib.import_module("{where}").{name}({arguments})\n'
    return Fix(safe, (new_file("app.py", content),), f"write app.py: app = {name}({arguments}) from {where}")


def _imports_no_sibling(project: Project, entry: str) -> bool:
    """Whether the entry point still imports when app.py at the root imports it: always at the
    root; in a subfolder (src/app.py) only when no absolute import names a module of that folder
    (`import views` beside it resolves only with the folder on sys.path, which gunicorn's is not)."""
    folder, _, _ = entry.rpartition("/")
    if not folder:
        return True
    tree = project.python(entry).tree
    if tree is None:
        return False
    for node in ast.walk(tree):
        names = ([alias.name for alias in node.names] if isinstance(node, ast.Import) else
                 [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else [])
        for name in names:
            top = name.split(".")[0]
            if project.has(f"{folder}/{top}.py") or project.has(f"{folder}/{top}/__init__.py"):
                return False
    return True


def _top_packages(project: Project) -> list[str]:
    """The `__init__.py` of each package at the root (app/ and tests aside)."""
    return sorted(p for p in project.python_files()
                  if p.count("/") == 1 and p.endswith("/__init__.py") and not p.startswith(("app/", "test")))


def _package_binding_app(project: Project) -> str | None:
    """A package at the root whose `__init__.py` binds a module-level `app` (sayhello/)."""
    for path in _top_packages(project):
        tree = project.python(path).tree
        if tree is not None and python.binds_at_module_level(tree, "app"):
            return path.removesuffix("/__init__.py")
    return None


def _importable(module: str) -> bool:
    """Whether `from MODULE import app` parses (rest-server.py: no, a hyphen is not a name)."""
    return all(part.isidentifier() for part in module.split("."))


def _binding(module: str) -> str:
    """How app.py binds the app: an import statement, or importlib for a module named like
    `rest-server`, which no import statement can name."""
    if _importable(module):
        return f"from {module} import app"
    return f'app = importlib.import_module("{module}").app'


def _import_app(module: str) -> str:
    if _importable(module):
        return f"{_binding(module)}  # noqa: F401\n"
    return f"import importlib\n\n{_binding(module)}\n"


def _factory(project: Project) -> tuple[str, ast.FunctionDef] | None:
    """(module, function) of an app factory at the top of a root-level module or package."""
    candidates = sorted(p for p in project.python_files() if "/" not in p and not p.startswith("test"))
    candidates += _top_packages(project)
    for path in candidates:
        tree = project.python(path).tree
        if tree is None:
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name in _FACTORIES:
                return path.removesuffix("/__init__.py").removesuffix(".py"), node
    return None


def _deeper_factory(project: Project) -> tuple[str, ast.FunctionDef] | None:
    """A factory further down (src/app.py, project/server/__init__.py), shallowest first: for
    the hint only (the fix writes an app.py for the shallow ones)."""
    candidates = sorted((p for p in project.python_files() if 1 <= p.count("/") <= 3 and is_deployed_code(p)
                         and not p.startswith("app/")), key=lambda p: (p.count("/"), p))
    for path in candidates:
        tree = project.python(path).tree
        for node in tree.body if tree is not None else ():
            if isinstance(node, ast.FunctionDef) and node.name in _FACTORIES:
                return path.removesuffix("/__init__.py").removesuffix(".py").replace("/", "."), node
    return None


def _production_arguments(project: Project, where: str, function: ast.FunctionDef) -> tuple[str, bool]:
    """The arguments for a production app, and whether the code shows them."""
    parameters = [*function.args.posonlyargs, *function.args.args]
    required = len(parameters) - len(function.args.defaults)
    if not parameters:
        return "", not function.args.kwonlyargs or all(d is not None for d in function.args.kw_defaults)
    if parameters[0].arg.lower() in _CONFIG_PARAMETERS:
        key = _production_key(project, where)
        if key is not None:
            return f'"{key}"', len(parameters) == 1 or required <= 1
    return "", required == 0


def _production_key(project: Project, where: str) -> str | None:
    """A "production" key of a dict literal in the factory's package (a config mapping)."""
    paths = [p for p in project.python_files() if p == f"{where}.py" or p.startswith(f"{where}/")]
    paths += [p for p in project.python_files() if "/" not in p and "config" in p]
    for path in paths:
        tree = project.python(path).tree
        for node in ast.walk(tree) if tree is not None else ():
            if isinstance(node, ast.Dict):
                for key in node.keys:
                    if isinstance(key, ast.Constant) and key.value in _PRODUCTION_KEYS:
                        return str(key.value)
    return None


def _entry_points(project: Project) -> list[str]:
    """Modules that bind a module-level `app` (tests aside): those the Dockerfile's (or its
    stand-in's) gunicorn, the Procfile or FLASK_APP name first, then the usual names."""
    root_level = sorted(p for p in project.python_files()
                        if "/" not in p and not p.startswith("test_") and p != "conftest.py")
    named = [p for p in reachability.named_entries(project) if p.endswith(".py")]
    ordered = list(dict.fromkeys([*named, *(p for p in _USUAL if project.has(p)), *root_level]))
    return [path for path in ordered
            if (tree := project.python(path).tree) is not None and python.binds_at_module_level(tree, "app")]
