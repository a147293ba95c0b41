"""Uploaded files saved, or UPLOAD_FOLDER set, outside /data/uploads.

## Why it breaks on Niblit
Everything outside `/data` is reset on redeploy: files saved under `/app`
(`uploads/`, `static/uploads/`, a folder next to `__file__`) vanish the next
time you ship. The spec asks for `/data/uploads`. Besides `UPLOAD_FOLDER`,
any setting named like one (`UPLOAD_FOLDER_IMAGE`, `AVATAR_UPLOAD_DIR`, `DIR_UPLOADS`) counts;
a file whose `.filename` the code reads is an upload (a Flask-WTF
`FileField`'s data handed to a `save_picture(form_picture)` helper), and an
upload is also saved when an image opened from it (`Image.open(file)`) is
saved, when the path is a local variable built just before the `save()`, and
when the upload is handed to one of the module's own functions that saves to a
path it is given (one level deep). Paths that cannot be worked out statically
are not reported. A default after a variable Niblit
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
import re
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
_NAMED = frozenset({"UPLOADS_DEFAULT_DEST", "UPLOADED_FILES_DEST", "UPLOADED_PHOTOS_DEST", "MEDIA_ROOT"})
# UPLOAD_FOLDER and its spellings: UPLOADS_DIR, UPLOAD_FOLDER_IMAGE, IMAGE_UPLOAD_PATH, UPLOAD_FOLDER_image,
# and the other way round, DIR_UPLOADS, FOLDER_UPLOAD.
_KEY_PATTERN = re.compile(r"(?:^|_)(?:UPLOADS?_(?:FOLDER|DIR|DIRECTORY|PATH|ROOT)|(?:FOLDER|DIR|DIRECTORY|PATH|ROOT)_UPLOADS?)"
                          r"(?:_|$)")
# What a request hands over as the uploaded bytes, besides request.files: the raw body.
_RAW_BODY = ("request.data", "request.stream", "request.get_data")


class _UploadKeys:
    """The settings that name the uploads folder (a container for python.settings)."""

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str) or (not key.isupper() and not key[:1].isupper()):
            return False
        return key in _NAMED or bool(_KEY_PATTERN.search(key.upper()))


_KEYS = _UploadKeys()
_Function = python.Function


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
    functions: list[_Function] = [n for n in nodes if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for node in nodes:
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "save"
            and node.args
            and _is_upload(node.func.value, uploads)
        ):
            yield node.args[0], _directory(_local(node.args[0], functions, nodes), resolver), \
                "an upload is saved in", None
    yield from _saved_by_helpers(nodes, functions, uploads, resolver)


def _saved_by_helpers(
    nodes: tuple[ast.AST, ...], functions: list[_Function], uploads: set[str], resolver: python.Resolver
) -> Iterator[tuple[ast.AST, str | None, str, str | None]]:
    """`save_image(path, request.data)` where the module's own save_image does `x.save(path)`:
    the upload is saved where the caller says (one level: a helper's helpers are not followed)."""
    saving: dict[str, set[int]] = {}  # module function -> the positions of the parameters it save()s to
    for call in nodes:
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "save"
                and call.args and isinstance(call.args[0], ast.Name)):
            continue
        function = python.enclosing_function(call, functions)
        params = [a.arg for a in function.args.args] if function is not None else []
        if function is not None and call.args[0].id in params:
            saving.setdefault(function.name, set()).add(params.index(call.args[0].id))
    if not saving:
        return
    for node in nodes:
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in saving):
            continue
        if not any(_is_upload(arg, uploads) or _is_raw_body(arg) for arg in node.args):
            continue
        for position in sorted(saving[node.func.id]):
            if position < len(node.args) and not _is_upload(node.args[position], uploads):
                target = node.args[position]
                yield target, _directory(_local(target, functions, nodes), resolver), "an upload is saved in", None


def _local(node: ast.AST, functions: list[_Function], nodes: tuple[ast.AST, ...]) -> ast.AST:
    """A function's local variable bound once (`path = os.path.join("uploads", name)`) -> that
    expression; anything else as it is."""
    if not isinstance(node, ast.Name):
        return node
    function = python.enclosing_function(node, functions)
    if function is None:
        return node
    first, last = getattr(function, "lineno", 0), getattr(function, "end_lineno", 0) or 0
    bound = [
        n.value for n in nodes
        if isinstance(n, ast.Assign) and first <= n.lineno <= last
        and any(isinstance(t, ast.Name) and t.id == node.id for t in n.targets)
        and python.enclosing_function(n, functions) is function
    ]
    return bound[0] if len(bound) == 1 else node


def _upload_names(nodes: tuple[ast.AST, ...]) -> set[str]:
    """Names bound to uploaded files: `f = request.files["x"]`, `for f in request.files.getlist(...)`,
    a name whose `.filename` is read (`def save_picture(form_picture)`, given `form.picture.data`),
    and what is made from one (`image = Image.open(f)`, whose save() stores the upload too)."""
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Assign) and _is_upload(node.value, set()):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.For, ast.comprehension)) and _is_upload(node.iter, set()):
            if isinstance(node.target, ast.Name):
                names.add(node.target.id)
        elif (isinstance(node, ast.Attribute) and node.attr == "filename" and isinstance(node.value, ast.Name)
              and isinstance(node.ctx, ast.Load)):
            names.add(node.value.id)  # `picture.filename`: an uploaded file, also one a form field handed over
    derived = [n for n in nodes if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)]
    for _ in range(3):  # image = Image.open(f); small = image.resize(...) is followed a few steps
        grown = {
            t.id for n in derived for t in n.targets
            if isinstance(t, ast.Name) and t.id not in names and _made_from_upload(n.value, names)
        }
        if not grown:
            break
        names |= grown
    return names


def _made_from_upload(node: ast.AST, names: set[str]) -> bool:
    """`Image.open(f)` or `image.convert("RGB")` for an upload f / image: a call given the upload
    itself, or a method of it that returns a new object of the same kind."""
    if not isinstance(node, ast.Call):
        return False
    if any(isinstance(a, ast.Name) and a.id in names for a in node.args):
        return True
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in _IMAGE_METHODS:
        return False
    made = func.value  # image.convert(...) or Image.open(f).convert(...)
    return (isinstance(made, ast.Name) and made.id in names) or _made_from_upload(made, names)


# PIL methods that return a new image (thumbnail() works in place and returns None).
_IMAGE_METHODS = frozenset({"convert", "resize", "rotate", "crop", "copy", "transpose", "filter"})


def _is_raw_body(node: ast.AST) -> bool:
    """`request.data`, `request.stream`, `request.get_data()`: an upload sent as the request body."""
    if isinstance(node, ast.Call):
        node = node.func
    return (python.dotted(node) or "").endswith(_RAW_BODY)


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
