"""Which of the repository's modules the served app runs: its import graph from the entry.

The entry is what gunicorn (or `flask run`) would load: app.py, the module named by
the Dockerfile's or the Procfile's gunicorn target (`wsgi:app`, `'flaskr:create_app()'`),
FLASK_APP in `.flaskenv` / `.env`, and when none of those exists a conventional entry
module at the root (wsgi.py, main.py, run.py, server.py, application.py). From there every
import is followed, anywhere in a module (an import inside `create_app()` runs when the
factory does), package-relative ones included, and so are the modules named in strings to
`app.config.from_object("config.Config")`, `importlib.import_module(...)` and
`import_string(...)`. Imports resolve against the repository's root (gunicorn's working
directory) and against the importing module's own folders (a script run from a
subfolder). A module nothing reaches (a seed script, a migration, a one-off tool) is
not what Niblit runs.
"""
from __future__ import annotations

import ast
import posixpath
import re
import shlex
from collections.abc import Iterable
from collections.abc import Iterator

from deploy_check import spec
from deploy_check.parsing import dockerfile
from deploy_check.parsing import python
from deploy_check.parsing.imports import is_deployed_code
from deploy_check.project import Project

# Root modules that conventionally hold the WSGI app, tried when nothing names the entry.
_CONVENTIONAL = ("wsgi.py", "main.py", "run.py", "server.py", "application.py")
_TARGET = re.compile(r"^['\"]?(?P<module>[A-Za-z_][\w.]*)(?::[\w.()'\", ]*)?['\"]?$")
_LOADERS = frozenset({"from_object", "import_module", "import_string", "__import__"})
_FLASK_APP = re.compile(r"^\s*(?:export\s+)?FLASK_APP\s*=\s*['\"]?(?P<value>[^'\"#\s]+)")
# A bound on the walk: more modules than a hand-written app has.
MAX_MODULES = 20_000


def module_links(project: Project, path: str) -> tuple[str, ...]:
    """The dotted module names one module imports (absolute, relative ones resolved):
    a fact kept after its AST is gone (engine.lint gathers it during its one visit)."""
    def compute() -> tuple[str, ...]:
        parsed = project.python(path)
        if parsed.tree is None:
            return ()
        return tuple(dict.fromkeys(_links(path, python.nodes_of(project, parsed, *_LINK_NODES))))

    return project.memo(("imports.links", path), compute)


def reachable(project: Project) -> frozenset[str] | None:
    """Paths of the Python modules the served app imports, its entry included; None when
    no entry can be found (then every deployed module counts)."""
    return project.memo("reachability", lambda: _reachable(project))


def entries(project: Project) -> list[str]:
    """The modules gunicorn or Flask's CLI would load first (see the module docstring)."""
    found: list[str] = [spec.APP_FILE] if project.has(spec.APP_FILE) else []
    found.extend(path for path in named_entries(project) if path not in found)
    if not found:
        found = [name for name in _CONVENTIONAL if project.has(name)]
    return found


def named_entries(project: Project) -> list[str]:
    """The modules the Dockerfile's (or its stand-in's) or the Procfile's gunicorn target
    and FLASK_APP name, in that order."""
    named = [*_dockerfile_targets(project), *_procfile_targets(project), *_flask_app_targets(project)]
    found: list[str] = []
    for dotted in named:
        found.extend(path for path in _files_of(project, dotted, "") if path not in found)
    return found


def _reachable(project: Project) -> frozenset[str] | None:
    start = entries(project)
    if not start:
        return None
    seen: set[str] = set()
    queue = list(start)
    while queue and len(seen) < MAX_MODULES:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        for dotted in module_links(project, path):
            for target in _files_of(project, dotted, path):
                if target not in seen:
                    queue.append(target)
    return frozenset(seen)


def _files_of(project: Project, dotted: str, importer: str) -> Iterator[str]:
    """The repository's files that importing `dotted` runs: each package's __init__.py on
    the way and the module itself, against the root and the importer's own folders."""
    parts = [part for part in dotted.split(".") if part]
    folder = posixpath.dirname(importer)
    bases = [""]
    while folder:
        bases.append(folder)
        folder = posixpath.dirname(folder)
    for base in bases:
        for index in range(1, len(parts) + 1):
            stem = posixpath.join(base, *parts[:index])
            for candidate in (stem + "/__init__.py", stem + ".py"):
                if project.has(candidate):
                    yield candidate


# What _links looks at, anywhere in a module.
_LINK_NODES = (ast.Import, ast.ImportFrom, ast.Call)


def _links(path: str, nodes: Iterable[ast.AST]) -> Iterator[str]:
    package = _package_of(path)
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            base = absolute_import(package, node.module, node.level)
            if base is None:
                continue
            if base:
                yield base
            for alias in node.names:
                if alias.name != "*":
                    yield f"{base}.{alias.name}" if base else alias.name
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            first = node.args[0]
            if name in _LOADERS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                target = first.value.split(":", 1)[0].strip()
                if target.startswith("."):
                    dots = len(target) - len(target.lstrip("."))
                    resolved = absolute_import(package, target.lstrip(".") or None, dots)
                    if resolved:
                        yield resolved
                elif re.fullmatch(r"[A-Za-z_][\w.]*", target):
                    yield target


def _package_of(path: str) -> str:
    """The dotted package a module at `path` belongs to (relative to the root)."""
    folder = posixpath.dirname(path)
    return folder.replace("/", ".")


def absolute_import(package: str, module: str | None, level: int) -> str | None:
    """The absolute name of `from <level dots><module> import ...` in `package` (None: above the root)."""
    if level == 0:
        return module or ""
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    return ".".join([*base, *([module] if module else [])])


def _dockerfile_targets(project: Project) -> Iterator[str]:
    words = _dockerfile_words(project)
    if words:
        yield from _gunicorn_targets(words)


def _procfile_targets(project: Project) -> Iterator[str]:
    for words in _procfile_words(project):
        yield from _gunicorn_targets(words)


def _dockerfile_words(project: Project) -> list[str] | None:
    """The words of the final CMD of the Dockerfile (or its stand-in)."""
    parsed = dockerfile.deciding(project)
    command = dockerfile.final_command(parsed) if parsed is not None and not parsed.error else None
    return dockerfile.command_words(command) if command is not None else None


def _procfile_words(project: Project) -> Iterator[list[str]]:
    """The words of each `web:` line of the Procfile."""
    for line in project.lines("Procfile")[:100]:
        kind, _, command = line.partition(":")
        if kind.strip() != "web":
            continue
        try:
            yield shlex.split(command)
        except ValueError:
            continue


def _gunicorn_targets(words: list[str]) -> Iterator[str]:
    """The module of gunicorn's APP_MODULE argument (`wsgi:app` -> `wsgi`)."""
    for match in _gunicorn_apps(words):
        yield match.group("module")


def _gunicorn_apps(words: list[str]) -> Iterator[re.Match[str]]:
    """gunicorn's APP_MODULE arguments (`wsgi:app`, `'hello.app:create_app()'`)."""
    if not any(posixpath.basename(word) == "gunicorn" for word in words[:3]):
        return
    for word in words:
        if ":" in word and not word.startswith("-") and not re.match(r"^[\d.]+:\d+$|^\S*\$", word):
            match = _TARGET.match(word)
            if match:
                yield match


def entry_factories(project: Project) -> frozenset[str]:
    """Names of the factories gunicorn calls to make the app (`'hello.app:create_app()'` ->
    create_app), from the Dockerfile's (or its stand-in's) and the Procfile's targets."""
    words = [found] if (found := _dockerfile_words(project)) else []
    words.extend(_procfile_words(project))
    names = set()
    for each in words:
        for match in _gunicorn_apps(each):
            call = re.match(r"^['\"]?[\w.]+:(?P<name>[A-Za-z_]\w*)\(", match.group(0))
            if call:
                names.add(call.group("name"))
    return frozenset(names)


def _flask_app_targets(project: Project) -> Iterator[str]:
    for name in (".flaskenv", ".env"):
        for line in project.lines(name)[:500]:
            match = _FLASK_APP.match(line)
            if match:
                value = match.group("value").split(":", 1)[0]
                yield value[:-3].replace("/", ".") if value.endswith(".py") else value


def is_served(project: Project, path: str) -> bool:
    """Does the app Niblit serves run this module (or, with no entry found, is it deployed code)?"""
    served = reachable(project)
    return is_deployed_code(path) if served is None else path in served
