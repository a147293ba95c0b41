"""An SQLite database outside /data, where Niblit keeps nothing across redeploys.

## Why it breaks on Niblit
Only `/data` is persistent: everything else in the container, `/app` included,
is reset on every redeploy. A database at `app.db` (which is `/app/app.db`,
since the app runs in /app), at `sqlite:///app.db` or in Flask's instance
folder (`/app/instance/`) loses every row the next time you ship ("Database not
persisting"). Paths read from the environment (`DATABASE_PATH`, which Niblit
sets to /data/app.db) are the fix and never reported; paths that cannot be
worked out statically are not reported either.

A default after a variable Niblit does *not* set
(`os.environ.get("DATABASE_URL") or "sqlite:///" + os.path.join(basedir,
"app.db")`, the pattern of many tutorials) is what runs on Niblit, whose
environment has only PORT, FLASK_ENV and DATABASE_PATH: that default is
reported as a warning, since you might set the variable some other way.
The same settings in a TOML file the app loads (Dynaconf's `settings.toml`, a
file given to `app.config.from_file`) are read too: a
`SQLALCHEMY_DATABASE_URI = "sqlite:///x.db"` in any table but the tests'
(`[testing]`) is reported on its line (not in tool files such as pyproject.toml).
Settings inside a `TestingConfig` (or `TestConfig`, `Test...`) class are the
tests' and not reported. Another framework's settings are not the app's: a stray Django project's
`settings.py` (a module with `INSTALLED_APPS` or `django` imports, or the one
`DJANGO_SETTINGS_MODULE` names) that the served app never imports is left alone.

Paths that are built are worked out too: `+`, f-strings, `%` and
`.format` of constants, `os.path.join`, `Path(__file__).parent / "x.db"`,
`os.getcwd()`, `tempfile.gettempdir()`, `or` defaults, an `app.config` key set
once, one level of the module's own helpers (`create_sqlite_uri("todo.db")`),
a variable of a config class's own body (`db_path = ...` then
`SQLALCHEMY_DATABASE_URI = f"sqlite:///{db_path}"`) and an SQLite URL kept on an object (`self.url = "sqlite:///" + path`). A
relative `sqlite:///x.db` is named where it lands: in the instance folder
(`/app/instance/x.db`) for Flask-SQLAlchemy 3, in the working directory
(`/app/x.db`) for plain SQLAlchemy's `create_engine`.

## How to fix
Read the path from the environment Niblit provides:

    DATABASE_PATH = os.environ.get("DATABASE_PATH", "/data/app.db")

and with SQLAlchemy use `f"sqlite:///{DATABASE_PATH}"` (which gives four
slashes for an absolute path).

`--fix` does it for a literal (a safe fix): a path such as `"app.db"` becomes
`os.environ.get("DATABASE_PATH", "/data/app.db")`, a `"sqlite:///app.db"` URI
becomes `"sqlite:///" + os.environ.get("DATABASE_PATH", "/data/app.db")`, and
`import os` is added where it is missing. A path built from variables, or the
default of another variable, is left for you.

## Example
Bad:

```python
conn = sqlite3.connect("app.db")
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///site.db"
```

Good:

```python
DATABASE_PATH = os.environ.get("DATABASE_PATH", "/data/app.db")
conn = sqlite3.connect(DATABASE_PATH)
app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{DATABASE_PATH}"
```
"""
from __future__ import annotations

import ast
from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Fix
from deploy_check.finding import Location
from deploy_check.finding import Severity
from deploy_check.fixing import codemod
from deploy_check.parsing import frameworks
from deploy_check.parsing import python
from deploy_check.parsing import settings_files
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("database-path", severity="error", doc=__doc__, fix="safe")

_CONNECT_CALLS = ("sqlite3.connect", "sqlite3.dbapi2.connect", "aiosqlite.connect", "peewee.SqliteDatabase",
                  "playhouse.sqlite_ext.SqliteExtDatabase", "sqlalchemy.create_engine", "sqlite_utils.Database",
                  "dataset.connect", "sqlalchemy.ext.asyncio.create_async_engine")
_KEYS = frozenset({"SQLALCHEMY_DATABASE_URI", "DATABASE_URL", "DATABASE_URI", "DATABASE", spec.DATABASE_PATH_VARIABLE,
                   "DB_PATH", "DB_FILE", "DATABASE_FILE", "SQLITE_PATH", "SQLITE_DB", "DB_NAME", "DB_URI"})
# Keys whose value is a file path, not a URL.
_PLAIN_KEYS = frozenset({spec.DATABASE_PATH_VARIABLE, "DB_PATH", "SQLITE_PATH", "DB_FILE", "DATABASE_FILE", "SQLITE_DB"})
_DB_SUFFIXES = (".db", ".sqlite", ".sqlite3", ".db3")


def sqlite_path(value: str, *, plain_paths: bool, instance: bool = True) -> str | None:
    """The file an SQLite URL or path points at (absolute, as in /app), or None if not SQLite/in memory.
    A relative `sqlite:///x.db` is in the instance folder for Flask-SQLAlchemy 3 (`instance`), in
    the working directory /app for plain SQLAlchemy's create_engine."""
    lowered = value.lower()
    if lowered.startswith("sqlite"):
        scheme, sep, rest = value.partition("://")
        if not sep or "+" in scheme and not scheme.lower().startswith("sqlite+"):
            return None
        rest = rest.split("?", 1)[0]
        if rest in ("", "/", "/:memory:") or rest.startswith("/file::memory:"):
            return None
        # sqlite:///relative (three slashes) vs sqlite:////absolute (four).
        path = rest[1:] if rest.startswith("/") else rest
        if not path.startswith("/") and instance:
            # Flask-SQLAlchemy 3 puts relative SQLite paths in the instance folder.
            return python.absolute("instance/" + path)
        return python.absolute(path)
    if "://" in value or value in (":memory:", "") or value.startswith("file::memory:"):
        return None
    if plain_paths or value.lower().endswith(_DB_SUFFIXES):
        return python.absolute(value)
    return None


def check_module(project: Project) -> Iterator[Finding]:
    for module in frameworks.app_modules(project):
        if not python.mentions(project, module, "sqlite", "Sqlite", "SQLITE", "connect", "DATABASE", "DB_", "Database"):
            continue
        resolver = python.resolver(project, module)
        seen: set[int] = set()
        for node, path, variable in _uses(python.nodes(project, module), resolver):
            line = getattr(node, "lineno", 0)
            if path is None or python.under(path, spec.DATA_DIR) or line in seen:
                continue
            seen.add(line)
            if variable is None:
                yield RULE.finding(
                    f"SQLite database at {path!r} is outside {spec.DATA_DIR}: it is reset on every redeploy",
                    python.location(module.path, node),
                    hint=f"read {spec.DATABASE_PATH_VARIABLE} from the environment: {spec.DATABASE_PATH_READ}",
                    fix=_fix(project, module.path, node),
                )
            else:
                yield RULE.finding(
                    f"unless {variable} is set, the SQLite database is at {path!r}, outside {spec.DATA_DIR}; Niblit's "
                    f"environment has only {', '.join(sorted(spec.ENVIRONMENT_NAMES))}",
                    python.location(module.path, node), severity=Severity.WARNING,
                    hint=f"use {spec.DATABASE_PATH_VARIABLE}, which Niblit sets: {spec.DATABASE_PATH_READ} "
                    "(a SQLAlchemy URI: \"sqlite:///\" + that path)",
                )


def check(project: Project) -> Iterator[Finding]:
    """SQLite URLs in the TOML settings files an app loads (Dynaconf's settings.toml)."""
    for setting in settings_files.settings(project):
        if setting.key.upper() not in _KEYS or settings_files.for_tests(setting):
            continue
        plain = setting.key.upper() in _PLAIN_KEYS
        path = sqlite_path(setting.value, plain_paths=plain)
        if path is None or python.under(path, spec.DATA_DIR):
            continue
        where = f" ([{setting.table}])" if setting.table else ""
        target = spec.DATABASE_PATH if plain else f"sqlite:///{spec.DATABASE_PATH}"
        yield RULE.finding(
            f"SQLite database at {path!r}{where} is outside {spec.DATA_DIR}: it is reset on every redeploy",
            Location(setting.path, setting.line, setting.column),
            hint=f"set {setting.key} = \"{target}\" (or read {spec.DATABASE_PATH_VARIABLE} from the environment "
            "in code)",
        )


def _uses(nodes: tuple[ast.AST, ...], resolver: python.Resolver) -> Iterator[tuple[ast.AST, str | None, str | None]]:
    """(node, the SQLite path it resolves to, the environment variable it falls back from)."""
    for node in nodes:
        if isinstance(node, ast.Call) and node.args:
            name = resolver.qualified(node.func) or ""
            if name in _CONNECT_CALLS or name.endswith(".SqliteDatabase"):
                plain = "create_engine" not in name and "dataset" not in name
                yield from _resolved(node.args[0], resolver, plain, instance=False)
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and not t.attr.isupper()
                                                  for t in node.targets):
            # self.connection_string = "sqlite:///" + path: an SQLite URL built into an object,
            # for create_engine (plain SQLAlchemy: relative to the working directory)
            value = resolver.value(node.value)
            if isinstance(value, str) and value.lower().startswith("sqlite"):
                yield from _resolved(node.value, resolver, False, instance=False)
    for_tests = python.inside_test_classes(nodes)
    for setting in python.settings(nodes, resolver.path, _KEYS):
        if id(setting.node) in for_tests:  # a TestingConfig's database or folder is the tests' business
            continue
        plain = setting.key in _PLAIN_KEYS
        yield from _resolved(setting.node, resolver, plain)


def _resolved(node: ast.AST, resolver: python.Resolver, plain: bool,
              instance: bool = True) -> Iterator[tuple[ast.AST, str | None, str | None]]:
    value = resolver.value(node)
    if isinstance(value, str):
        yield node, sqlite_path(value, plain_paths=plain, instance=instance), None
    elif value is python.FROM_ENV:
        # From a variable Niblit does not set, the default is what runs there.
        unset = resolver.default_where_unset(node)
        if unset:
            yield node, sqlite_path(unset[1], plain_paths=plain, instance=instance), unset[0]


def _fix(project: Project, path: str, node: ast.AST) -> Fix | None:
    """A literal path or SQLite URI -> the spec's DATABASE_PATH read (in the URI's scheme)."""
    if not isinstance(node, ast.Constant) or not isinstance(node.value, str) or "?" in node.value:
        return None
    code = spec.DATABASE_PATH_READ
    scheme, sep, _ = node.value.partition("://")
    if sep:
        code = f'"{scheme}:///" + {code}'
    edits = codemod.at_node(path, project.read_text(path), node, ("SimpleString",),
                            codemod.replace_with(code, imports=("os",)))
    return Fix(True, edits, f"read {spec.DATABASE_PATH_VARIABLE} from the environment") if edits else None
