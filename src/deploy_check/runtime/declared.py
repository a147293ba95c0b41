"""The routes an app's source declares, read statically: the fallback when its url_map cannot
be read in the image (its import needs a service or a variable that only the running app has).

Read as Flask builds them: `@app.route` / `@bp.get` decorators and `add_url_rule` calls, a
blueprint's path joined with the `url_prefix` of its `register_blueprint(...)` call, else of its
`Blueprint(...)`, as Flask joins them (`/x` + `/` is `/x/`, `/` + `/about` is `/about`), and its
endpoint named `<blueprint>.<view>`. What is not a literal is not guessed: a route whose path,
prefix or methods are computed is left out (never probed), and a view class's methods are its
`get`/`post`/... functions, as MethodView reads them.
"""
from __future__ import annotations

import ast
import dataclasses
import posixpath
from collections.abc import Iterator

from deploy_check.finding import Location
from deploy_check.parsing.python import deployed_modules
from deploy_check.parsing.reachability import absolute_import
from deploy_check.parsing.python import dotted
from deploy_check.parsing.python import nodes_of as python_nodes_of
from deploy_check.project import Project

_DECORATOR_METHODS: dict[str, tuple[str, ...] | None] = {
    "route": None, "get": ("GET",), "post": ("POST",), "put": ("PUT",), "patch": ("PATCH",), "delete": ("DELETE",)}
_HTTP_METHODS = ("get", "post", "put", "patch", "delete")
_UNKNOWN = object()  # a computed value: the route is left out


@dataclasses.dataclass(frozen=True)
class Declared:
    """One route as the source declares it (the path with its blueprint's prefix)."""

    path: str
    endpoint: str
    methods: frozenset[str]
    where: Location


@dataclasses.dataclass(frozen=True)
class _Blueprint:
    name: str | None  # Blueprint("name", ...): the endpoints' prefix
    url_prefix: object  # str, None (none given) or _UNKNOWN


@dataclasses.dataclass
class _Module:
    path: str
    dotted: str
    nodes: tuple[ast.AST, ...]
    blueprints: dict[str, _Blueprint]
    imports: dict[str, str]  # local name -> the dotted name it was imported as


def routes(project: Project) -> list[Declared]:
    """Every route of the deployed modules whose path and methods are literals."""
    modules = [_read(parsed.path, parsed.nodes) for parsed in deployed_modules(project)]
    prefixes = _registered_prefixes(modules)
    views = _view_classes(modules)
    found: list[Declared] = []
    for module in modules:
        for node in module.nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for decorator in node.decorator_list:
                    if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) \
                            and decorator.func.attr in _DECORATOR_METHODS:
                        endpoint = _literal(_argument(decorator, 99, "endpoint")) or node.name
                        found.extend(_declared(module, prefixes, decorator, endpoint,
                                               _DECORATOR_METHODS[decorator.func.attr]))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "add_url_rule":
                view, methods = _rule_view(node, views)
                if view is not None:
                    found.extend(_declared(module, prefixes, node, view, methods))
    return found


def _read(path: str, nodes: tuple[ast.AST, ...]) -> _Module:
    name = path[:-3] if path.endswith(".py") else path
    name = name[:-len("/__init__")] if name.endswith("/__init__") else name
    module = _Module(path, name.replace("/", "."), nodes, {}, {})
    package = posixpath.dirname(path).replace("/", ".")
    for node in nodes:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and isinstance(node.value, ast.Call) and (dotted(node.value.func) or "").split(".")[-1] == "Blueprint":
            module.blueprints[node.targets[0].id] = _Blueprint(_literal(_argument(node.value, 0, "name")) or None,
                                                               _prefix(node.value))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                module.imports[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname \
                    else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            base = absolute_import(package, node.module, node.level)
            for alias in node.names:
                if base is not None and alias.name != "*":
                    module.imports[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
    return module


def _argument(call: ast.Call, index: int, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return call.args[index] if len(call.args) > index else None


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _prefix(call: ast.Call) -> object:
    """A url_prefix keyword: its literal, None when absent (or None), _UNKNOWN when computed."""
    for keyword in call.keywords:
        if keyword.arg == "url_prefix":
            if isinstance(keyword.value, ast.Constant) and keyword.value.value is None:
                return None
            return _literal(keyword.value) if _literal(keyword.value) is not None else _UNKNOWN
        if keyword.arg is None:  # **options: anything
            return _UNKNOWN
    return None


def _blueprint_of(modules: list[_Module], module: _Module, node: ast.expr) -> tuple[str, str] | None:
    """(module path, variable) of the Blueprint that `node` names in `module`, if one does."""
    if isinstance(node, ast.Name):
        if node.id in module.blueprints:
            return module.path, node.id
        target = module.imports.get(node.id)
        if target is None:
            return None
        owner, _, variable = target.rpartition(".")
    elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        owner, variable = module.imports.get(node.value.id, node.value.id), node.attr
    else:
        return None
    for other in modules:
        if variable in other.blueprints and owner and (
                other.dotted == owner or other.dotted.endswith("." + owner) or owner.endswith("." + other.dotted)):
            return other.path, variable
    return None


def _registered_prefixes(modules: list[_Module]) -> dict[tuple[str, str], list[object]]:
    """Each registered blueprint's url_prefix in each of its register_blueprint calls."""
    prefixes: dict[tuple[str, str], list[object]] = {}
    for module in modules:
        for node in module.nodes:
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "register_blueprint" and node.args:
                key = _blueprint_of(modules, module, node.args[0])
                if key is not None:
                    prefixes.setdefault(key, []).append(_prefix(node))
    return prefixes


def _view_classes(modules: list[_Module]) -> dict[str, frozenset[str]]:
    """Class name -> the HTTP methods its view functions answer (MethodView's reading)."""
    views: dict[str, frozenset[str]] = {}
    for module in modules:
        for node in module.nodes:
            if isinstance(node, ast.ClassDef):
                methods = {item.name.upper() for item in node.body
                           if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in _HTTP_METHODS}
                views[node.name] = frozenset(methods)
    return views


def _rule_view(call: ast.Call, views: dict[str, frozenset[str]]) -> tuple[str | None, tuple[str, ...] | None]:
    """An add_url_rule's endpoint name and, when the view says them, its methods."""
    endpoint = _literal(_argument(call, 1, "endpoint"))
    view = _argument(call, 2, "view_func")
    methods: tuple[str, ...] | None = None
    if isinstance(view, ast.Name):
        endpoint = endpoint or view.id
    elif isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) and view.func.attr == "as_view":
        endpoint = endpoint or _literal(_argument(view, 0, "name"))
        owner = view.func.value.id if isinstance(view.func.value, ast.Name) else None
        if owner not in views:
            return None, None  # a view class we cannot read: its methods are unknown
        methods = tuple(sorted(views[owner]))
    return endpoint, methods


def _declared(module: _Module, prefixes: dict[tuple[str, str], list[object]], call: ast.Call,
              endpoint: str, methods: tuple[str, ...] | None) -> Iterator[Declared]:
    rule = _literal(_argument(call, 0, "rule"))
    if rule is None:
        return
    for keyword in call.keywords:
        if keyword.arg == "methods":
            listed = _methods(keyword.value)
            if listed is None:
                return  # computed: which methods it answers is unknown
            methods = listed
        elif keyword.arg in ("subdomain", "host") or keyword.arg is None:
            return  # another host, or options we cannot read
    owner = call.func.value if isinstance(call.func, ast.Attribute) else None
    blueprint = module.blueprints.get(owner.id) if isinstance(owner, ast.Name) else None
    if blueprint is None:
        yield Declared(rule, endpoint, frozenset(methods or ("GET",)), Location(module.path, call.lineno))
        return
    assert isinstance(owner, ast.Name)
    registered = prefixes.get((module.path, owner.id)) or [None]
    seen = set()
    for given in registered:
        prefix = blueprint.url_prefix if given is None else given
        if prefix is _UNKNOWN:
            continue
        path = _join(prefix if isinstance(prefix, str) else None, rule)
        if path not in seen:
            seen.add(path)
            name = f"{blueprint.name}.{endpoint}" if blueprint.name else endpoint
            yield Declared(path, name, frozenset(methods or ("GET",)), Location(module.path, call.lineno))


def _methods(node: ast.expr) -> tuple[str, ...] | None:
    if not isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return None
    names = [_literal(element) for element in node.elts]
    return None if any(name is None for name in names) else tuple(str(name).upper() for name in names)


def _join(prefix: str | None, rule: str) -> str:
    """A blueprint's rule under its prefix, as Flask's BlueprintSetupState.add_url_rule joins them."""
    if prefix is None:
        return rule
    return "/".join((prefix.rstrip("/"), rule.lstrip("/"))) if rule else prefix


# What a view reads of the request that a bare GET does not send.
_REQUEST_INPUTS = frozenset({"args", "form", "json", "get_json", "values", "files", "data", "cookies"})


def reads_input(project: Project, where: Location) -> str | None:
    """`request.args` (or `.form`, `.get_json`, ...) when the view whose code holds `where`
    (a decorator's line or any line of its body) reads the request's input, else None."""
    if where.path is None or where.line is None or not where.path.endswith(".py"):
        return None
    module = project.python(where.path)
    if module.tree is None:
        return None
    line = where.line
    view: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    for node in python_nodes_of(project, module, ast.FunctionDef, ast.AsyncFunctionDef):
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        first = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
        if first <= line <= (node.end_lineno or node.lineno) and (view is None or node.lineno > view.lineno):
            view = node  # the innermost function around the line
    if view is None:
        return None
    for node in ast.walk(view):  # one function, for a route that failed: not a module walk
        if isinstance(node, ast.Attribute) and node.attr in _REQUEST_INPUTS \
                and isinstance(node.value, ast.Name) and node.value.id == "request":
            return f"request.{node.attr}"
    return None
