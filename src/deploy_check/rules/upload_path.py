"""Uploaded files saved, or UPLOAD_FOLDER set, outside /data/uploads.

## Why it breaks on Niblit
Everything outside `/data` is reset on redeploy: files saved under `/app`
(`uploads/`, `static/uploads/`, a folder next to `__file__`) vanish the next
time you ship. The spec asks for `/data/uploads`. Paths that cannot be
worked out statically are not reported. A default after a variable Niblit
does not set (`os.environ.get("UPLOAD_FOLDER", "uploads")`) is what runs
there, since its environment has only PORT, FLASK_ENV and DATABASE_PATH:
that default is reported as a warning. Settings inside a `TestingConfig`
(or `TestConfig`, `Test...`) class are the tests' and not reported.
Another framework's settings are not the app's: the `MEDIA_ROOT` of a stray
Django project's `settings.py` (a module with `INSTALLED_APPS` or `django`
imports, or the one `DJANGO_SETTINGS_MODULE` names) that the served app never
imports is left alone.

## How to fix

    UPLOAD_FOLDER = "/data/uploads"
    os.makedirs(UPLOAD_FOLDER, exist_ok=True)
    file.save(os.path.join(UPLOAD_FOLDER, secure_filename(file.filename)))

`--fix` does it for a literal folder assigned in code (a safe fix):
`UPLOAD_FOLDER = "uploads"` (or `app.config["UPLOAD_FOLDER"] = ...`) becomes
`"/data/uploads"`, followed by `os.makedirs(UPLOAD_FOLDER, exist_ok=True)`, and
`import os` is added where it is missing. Folders built from variables and
`save()` calls are left for you.

## Example
Bad:

```python
UPLOAD_FOLDER = os.path.join(app.root_path, "static", "uploads")
request.files["photo"].save("uploads/" + name)
```

Good:

```python
UPLOAD_FOLDER = "/data/uploads"
request.files["photo"].save(os.path.join(UPLOAD_FOLDER, name))
```
"""
from __future__ import annotations

import ast
import posixpath
from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Fix
from deploy_check.finding import Severity
from deploy_check.fixing import codemod
from deploy_check.parsing import frameworks
from deploy_check.parsing import python
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("upload-path", severity="error", doc=__doc__, fix="safe")
UPLOADS = spec.UPLOADS_DIR
_KEYS = frozenset({"UPLOAD_FOLDER", "UPLOAD_DIR", "UPLOAD_DIRECTORY", "UPLOAD_PATH", "UPLOADS_FOLDER",
                   "UPLOADS_DIR", "UPLOADS_DEFAULT_DEST", "UPLOADED_FILES_DEST", "UPLOADED_PHOTOS_DEST", "MEDIA_ROOT"})


def check_module(project: Project) -> Iterator[Finding]:
    for module in frameworks.app_modules(project):
        if not python.mentions(project, module, ".save(", "UPLOAD", "_DEST", "MEDIA_ROOT"):
            continue
        resolver = python.resolver(project, module)
        seen: set[int] = set()
        for node, directory, what, variable in _destinations(python.nodes(project, module), resolver):
            line = getattr(node, "lineno", 0)
            if directory is None or python.under(directory, UPLOADS) or line in seen:
                continue
            seen.add(line)
            if variable is None:
                yield RULE.finding(
                    f"{what} {python.absolute(directory)!r}, outside {UPLOADS}: uploaded files are lost on redeploy",
                    python.location(module.path, node),
                    hint=f'store uploads under "{UPLOADS}" (os.makedirs it at start-up)',
                    fix=_fix(project, module.path, node),
                )
            else:  # the default of a variable Niblit does not set: what runs there, unless set some other way
                yield RULE.finding(
                    f"unless {variable} is set, {what} {python.absolute(directory)!r}, outside {UPLOADS}; "
                    f"Niblit's environment has only {', '.join(sorted(spec.ENVIRONMENT_NAMES))}",
                    python.location(module.path, node), severity=Severity.WARNING,
                    hint=f'make the default "{UPLOADS}" (os.makedirs it at start-up)',
                )


def _destinations(
    nodes: tuple[ast.AST, ...], resolver: python.Resolver
) -> Iterator[tuple[ast.AST, str | None, str, str | None]]:
    """(node, the folder uploads go to, what it is, the environment variable it falls back from)."""
    for_tests = python.inside_test_classes(nodes)
    for setting in python.settings(nodes, resolver.path, _KEYS):
        if id(setting.node) in for_tests:  # a TestingConfig's database or folder is the tests' business
            continue
        value = resolver.value(setting.node)
        if isinstance(value, str):
            yield setting.node, value, f"{setting.key} is", None
        elif value is python.FROM_ENV:
            unset = resolver.default_where_unset(setting.node)
            if unset:
                yield setting.node, unset[1], f"{setting.key} is", unset[0]
    uploads = _upload_names(nodes)
    for node in nodes:
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "save"
            and node.args
            and _is_upload(node.func.value, uploads)
        ):
            yield node.args[0], _directory(node.args[0], resolver), "an upload is saved in", None


def _upload_names(nodes: tuple[ast.AST, ...]) -> set[str]:
    """Names bound to uploaded files: `f = request.files["x"]`, `for f in request.files.getlist(...)`."""
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Assign) and _is_upload(node.value, set()):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.For, ast.comprehension)) and _is_upload(node.iter, set()):
            if isinstance(node.target, ast.Name):
                names.add(node.target.id)
    return names


def _is_upload(node: ast.AST, names: set[str]) -> bool:
    if isinstance(node, ast.Name):
        return node.id in names
    if isinstance(node, ast.Subscript):
        node = node.value
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr not in ("get", "getlist", "values"):
            return False
        node = node.func.value
    return (python.dotted(node) or "").endswith("request.files")


def _directory(node: ast.AST, resolver: python.Resolver) -> str | None:
    """The folder a save() writes into, even when the file name is not known."""
    whole = resolver.value(node)
    if isinstance(whole, str):
        return posixpath.dirname(python.absolute(whole))
    if whole is python.FROM_ENV:
        return None
    if isinstance(node, ast.Call) and (resolver.qualified(node.func) or "") == "os.path.join" and len(node.args) > 1:
        parts = [resolver.value(a) for a in node.args[:-1]]
        if all(isinstance(p, str) for p in parts):
            return posixpath.join(*[p for p in parts if isinstance(p, str)])
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div)):
        left = resolver.value(node.left)
        if isinstance(left, str):
            return left if isinstance(node.op, ast.Div) else posixpath.dirname(left + "x")
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        prefix = str(node.values[0].value)
        if "/" in prefix:
            return posixpath.dirname(prefix + "x")
    return None


def _fix(project: Project, path: str, node: ast.AST) -> Fix | None:
    """A literal folder assigned in code -> the spec's uploads folder, created at start-up."""
    if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
        return None
    transform = codemod.replace_with(f'"{UPLOADS}"', imports=("os",),
                                     after="os.makedirs({target}, exist_ok=True)\n")
    edits = codemod.at_node(path, project.read_text(path), node, ("SimpleString",), transform)
    return Fix(True, edits, f"store uploads in {UPLOADS}") if edits else None
