"""Debug mode is on in what Niblit runs.

## Why it breaks on Niblit
With debug on, any error page shows the interactive Werkzeug debugger or a full
traceback with your source, settings and local variables to whoever triggers
it, and Flask reloads templates on every request. On Niblit the app serves the
public internet under gunicorn, so debug must be off. It is on when:

- `app.debug = True` runs when the app is imported or created;
- `app.run(debug=True)` runs at import (outside `if __name__ == "__main__":`,
  which gunicorn never runs: there it is harmless and not reported);
- `DEBUG = True` is in the configuration production loads:
  `app.config["DEBUG"] = True`, `app.config.update(DEBUG=True)` (or a dict
  handed to it: `update(dict(DEBUG=True))`), a config
  class that is not a development or testing one (`class Config:`,
  `class ProductionConfig:`), or a module-level `DEBUG = True` in a settings
  module (`config.py`, `settings.py`) or one loaded with `from_object(__name__)`;
- the default of an environment read is on (`os.environ.get("FLASK_DEBUG", True)`):
  Niblit sets only PORT, FLASK_ENV and DATABASE_PATH, so the default is what runs;
- `FLASK_DEBUG=1` is set in the Dockerfile (`ENV FLASK_DEBUG=1`) or in a
  committed `.env`, the file Flask and python-dotenv's `load_dotenv()` read at
  start (`.env.test`, `.env.j2` and other spellings are read only where the
  code names them, and are not reported here).

A `DEBUG = True` in a `DevelopmentConfig`, `TestingConfig` or `LocalConfig`
class is not reported: production does not load it, unless the app loads that
class by name (`app.config.from_object("src.config.DevelopmentConfig")` in
`create_app`, in any module): then it is what production runs. So is the
class a dict of config classes hands `from_object(config[name])` (the Flasky
layout): the key the factory is called with, as it is on Niblit
(`create_app(os.getenv("FLASK_CONFIG") or "default")` gets `"default"`; a
FLASK_ENV read gets `"production"`), or the dict's `"default"` when no call
says. A base class's
`DEBUG = True` is not reported when a production class in the same module sets
`DEBUG` itself. Another framework's settings are not the app's: a stray Django project's
`settings.py` (a module with `INSTALLED_APPS` or `django` imports, or the one
`DJANGO_SETTINGS_MODULE` names) that the served app never imports is left alone. This is a warning: nothing fails to start, but it should not ship.

## How to fix
Leave debug off in production (it is off by default) and turn it on only
locally: `flask --app app run --debug`, or under the main guard.

## Example
Bad:

```python
app = Flask(__name__)
app.config["DEBUG"] = True
```

Good:

```python
app = Flask(__name__)

if __name__ == "__main__":
    app.run(debug=True)
```
"""
from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.parsing import config_classes
from deploy_check.parsing import dockerfile
from deploy_check.parsing import frameworks
from deploy_check.parsing import python
from deploy_check.parsing.secret_hit import is_secret_file
from deploy_check.project import ParsedPython
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("debug-enabled", severity="warning", doc=__doc__)

HINT = "leave debug off in production; turn it on only locally (`flask run --debug`, or under the main guard)"
# Classes whose settings production does not load.
_NOT_PRODUCTION = config_classes.NOT_PRODUCTION
_PRODUCTION = re.compile(r"prod", re.IGNORECASE)
_TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
_SETTINGS_MODULES = re.compile(r"(config|settings)[^/]*\.py$")
_ENV_LINE = re.compile(r"^\s*(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?P<value>.*?)\s*$")


def check_module(project: Project) -> Iterator[Finding]:
    for module in frameworks.app_modules(project):
        if python.mentions(project, module, "debug", "DEBUG"):
            yield from _python(project, module)


def check(project: Project) -> Iterator[Finding]:
    yield from _loaded_by_name(project)
    yield from _dockerfile(project)
    yield from _env_files(project)


def _loaded_by_name(project: Project) -> Iterator[Finding]:
    """DEBUG = True in a development class that the app loads by name (`from_object(
    "src.config.DevelopmentConfig")` in create_app): that class is what production runs."""
    paths = list(project.python_files_in_scope())
    loaded = {name for path in paths for name in config_classes.loaded_classes(project, path)}
    by_dict = config_classes.loaded_through_dicts(project)
    loaded |= by_dict
    if not loaded:
        return
    for path in paths:
        for name, line, column, end_line, end_column in config_classes.debug_in_skipped_classes(project, path):
            if name in loaded and frameworks.foreign(project, path) is None:
                how = ("through its dict of configs (from_object(config[name]), the key it gets on Niblit)"
                       if name in by_dict else "by name (from_object)")
                yield RULE.finding(f"DEBUG = True in config class {name}, which the app loads {how}: "
                                   "debug mode in production",
                                   Location(path, line, column, end_line, end_column), hint=HINT)


def _python(project: Project, module: ParsedPython) -> Iterator[Finding]:
    assert module.tree is not None
    nodes = python.nodes(project, module)
    resolver = python.resolver(project, module)
    unreachable = _under_main_guard(module.tree) | python.inside_test_classes(nodes)
    top_level = {id(node) for node in python.module_level(module.tree.body)}
    seen: set[int] = set()

    def found(node: ast.AST, message: str) -> Iterator[Finding]:
        line = getattr(node, "lineno", 0)
        if line not in seen:
            seen.add(line)
            yield RULE.finding(message, python.location(module.path, node), hint=HINT)

    for node in python.nodes_of(project, module, ast.Assign, ast.Call):
        if id(node) in unreachable:
            continue
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Attribute):
            target = node.targets[0]
            if target.attr == "debug" and _is_on(node.value, resolver):
                yield from found(node, f"{python.dotted(target) or 'app.debug'} = True turns debug mode on "
                                 "in production")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "run" and id(_statement_of(node, module.tree)) in top_level:
                debug = next((k.value for k in node.keywords if k.arg == "debug"), None)
                if debug is not None and _is_on(debug, resolver):
                    yield from found(debug, "app.run(debug=True) runs when gunicorn imports the module: "
                                     "debug mode in production")
    loaded_here = python.mentions(project, module, "from_object(__name__)")
    settings_module = bool(_SETTINGS_MODULES.search(posixpath.basename(module.path))) or loaded_here
    for node, where in _debug_settings(project, module, settings_module):
        if id(node) not in unreachable and _is_on(node, resolver):
            yield from found(node, f"DEBUG = True {where}: debug mode in production")


def _debug_settings(project: Project, module: ParsedPython, settings_module: bool) -> Iterator[tuple[ast.AST, str]]:
    """(value, where) of every DEBUG setting that production would load."""
    assert module.tree is not None
    tree = module.tree
    classes = [c for c in python.nodes_of(project, module, ast.ClassDef) if isinstance(c, ast.ClassDef)]
    production_sets_debug = any(
        _PRODUCTION.search(c.name) and any(_debug_value(s) is not None for s in c.body) for c in classes
    )
    for cls in classes:
        if _NOT_PRODUCTION.search(cls.name):
            continue
        if production_sets_debug and not _PRODUCTION.search(cls.name):
            continue  # a base class whose DEBUG the production class overrides
        for statement in cls.body:
            value = _debug_value(statement)
            if value is not None:
                yield value, f"in config class {cls.name}"
    if settings_module:
        for statement in python.module_level(tree.body):
            value = _debug_value(statement)
            if value is not None:
                yield value, "in the settings module"
    for node in python.nodes_of(project, module, ast.Assign, ast.Call):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
            target = node.targets[0]
            key = target.slice
            if (isinstance(key, ast.Constant) and key.value == "DEBUG"
                    and (python.dotted(target.value) or "").endswith("config")):
                yield node.value, "in app.config"
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("update", "from_mapping")
              and (python.dotted(node.func.value) or "").endswith("config")):
            for keyword in node.keywords:
                if keyword.arg == "DEBUG":
                    yield keyword.value, "in app.config"
            for arg in node.args:  # app.config.update({"DEBUG": True}) or update(dict(DEBUG=True))
                if isinstance(arg, ast.Dict):
                    for name, setting in zip(arg.keys, arg.values):
                        if isinstance(name, ast.Constant) and name.value == "DEBUG":
                            yield setting, "in app.config"
                elif isinstance(arg, ast.Call) and python.dotted(arg.func) == "dict":
                    for keyword in arg.keywords:
                        if keyword.arg == "DEBUG":
                            yield keyword.value, "in app.config"


def _debug_value(statement: ast.stmt) -> ast.expr | None:
    if isinstance(statement, ast.Assign):
        if any(isinstance(t, ast.Name) and t.id == "DEBUG" for t in statement.targets):
            return statement.value
    elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        if statement.target.id == "DEBUG" and statement.value is not None:
            return statement.value
    return None


def _is_on(node: ast.AST, resolver: python.Resolver) -> bool:
    """True, 1, or the default of an environment read that Niblit does not set being on."""
    if isinstance(node, ast.Constant):
        return node.value is True or (isinstance(node.value, int) and node.value == 1
                                      and not isinstance(node.value, bool))
    if isinstance(node, ast.Call) and node.args and isinstance(node.func, (ast.Name, ast.Attribute)):
        name = resolver.qualified(node.func) or ""
        if name in ("bool", "int") and len(node.args) == 1:
            return _is_on(node.args[0], resolver)
        if name.endswith(("environ.get", "getenv")) and len(node.args) == 2:
            variable, default = node.args
            return (isinstance(variable, ast.Constant) and variable.value not in spec.ENVIRONMENT_NAMES
                    and isinstance(default, ast.Constant)
                    and (default.value is True or str(default.value).lower() in _TRUE_WORDS))
    return False


def _under_main_guard(tree: ast.Module) -> set[int]:
    return {id(inner) for node in tree.body if python.is_main_guard(node) for inner in ast.walk(node)}


def _statement_of(node: ast.AST, tree: ast.Module) -> ast.AST | None:
    """The module-level statement (top level, or in a top-level if/try/with) holding `node`."""
    for statement in python.module_level(tree.body):
        if isinstance(statement, ast.Expr) and statement.value is node:
            return statement
    return None


def _dockerfile(project: Project) -> Iterator[Finding]:
    parsed = dockerfile.parse(project)
    if parsed is None:
        return
    for instruction in parsed.of("ENV"):
        for name, value in dockerfile.env_pairs(instruction):
            if name == "FLASK_DEBUG" and value.strip().lower() in _TRUE_WORDS:
                yield RULE.finding(f"ENV {name}={value} turns Flask's debug mode on in the image Niblit runs",
                                   instruction.location(), hint="remove it (debug is off by default)")


def _env_files(project: Project) -> Iterator[Finding]:
    for entry in project.files:
        # Only `.env` is loaded without being named (Flask's app.run, load_dotenv()).
        if not is_secret_file(entry.path) or entry.path.rsplit("/", 1)[-1] != ".env":
            continue
        for number, line in enumerate(project.lines(entry.path)[:5000], start=1):
            match = _ENV_LINE.match(line)
            if not match or match.group("name") != "FLASK_DEBUG":
                continue
            value = match.group("value").split(" #", 1)[0].strip().strip("'\"").lower()
            if value in _TRUE_WORDS:
                yield RULE.finding(f"FLASK_DEBUG={value} in {entry.path}: Flask starts in debug mode where "
                                   "this file is loaded", Location(entry.path, number),
                                   hint="remove it; set debug only on your own machine")
