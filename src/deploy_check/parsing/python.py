"""AST helpers and a small constant-folding resolver for paths and URLs in app code.

The resolver answers "what string does this expression hold when the app runs
in /app on Niblit?" for the simple cases: literals, f-strings of constants,
`+`, `os.path.join`, `pathlib.Path(...) / "x"`, `__file__`, `os.getcwd()`,
module-level constants. `os.environ.get(...)` and friends are FROM_ENV (the
value comes from Niblit: that is the fix, never a finding). Anything else is
None: unknown, and rules say nothing about unknowns.
"""
from __future__ import annotations

import ast
import dataclasses
import posixpath
import re
from collections.abc import Container
from collections.abc import Iterable
from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Location
from deploy_check.parsing.imports import is_deployed_code
from deploy_check.project import ParsedPython
from deploy_check.project import Project

WORKDIR = spec.APP_DIR


class _FromEnv:
    def __repr__(self) -> str:
        return "FROM_ENV"


FROM_ENV = _FromEnv()
Value = str | _FromEnv | None

_PATH_FUNCS = {"dirname", "abspath", "realpath", "normpath", "join", "expanduser"}


def dotted(node: ast.AST) -> str | None:
    """`os.path.join` for an Attribute/Name chain, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def location(path: str, node: ast.AST) -> Location:
    line = getattr(node, "lineno", None)
    col = getattr(node, "col_offset", None)
    end_line = getattr(node, "end_lineno", None)
    end_col = getattr(node, "end_col_offset", None)
    return Location(
        path,
        line,
        col + 1 if col is not None else None,
        end_line,
        end_col + 1 if end_col is not None else None,
    )


def deployed_modules(project: Project) -> Iterator[ParsedPython]:
    """Parsed Python files that run on Niblit (not tests, docs or build scripts)."""
    for parsed in project.parsed_python():
        if is_deployed_code(parsed.path):
            yield parsed


class Resolver:
    """Resolves expressions of one module (see the module docstring)."""

    def __init__(self, tree: ast.Module, path: str, nodes: Iterable[ast.AST] | None = None) -> None:
        self.path = path
        self.file = posixpath.join(WORKDIR, path)
        self.aliases = _import_aliases(ast.walk(tree) if nodes is None else nodes)
        self.constants: dict[str, Value] = {}
        self._constant_nodes: dict[str, ast.AST] = {}
        assigned: dict[str, int] = {}
        for node in _module_level(tree.body):
            targets = _assign_targets(node)
            for name in targets:
                assigned[name] = assigned.get(name, 0) + 1
        # The module's own one-expression helpers (`def create_sqlite_uri(name): return
        # "sqlite:///" + os.path.join(BASEDIR, name)`), resolved one level deep at their calls.
        self._helpers: dict[str, tuple[list[str], ast.expr]] = {}
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                returned = _single_return(node)
                if returned is not None:
                    self._helpers[node.name] = ([a.arg for a in node.args.args], returned)
        self._bound: dict[str, Value] = {}
        self._config_nodes = _config_assignments(tree)
        for node in _module_level(tree.body):
            value = getattr(node, "value", None)
            for name in _assign_targets(node):
                if assigned.get(name) == 1 and value is not None:
                    self.constants[name] = self.value(value)
                    self._constant_nodes[name] = value
        # A name bound once in a class body and nowhere else (a config class's `db_path = ...`
        # used by its `SQLALCHEMY_DATABASE_URI = f"sqlite:///{db_path}"`).
        in_classes: dict[str, ast.AST | None] = {}
        for klass in (n for n in tree.body if isinstance(n, ast.ClassDef)):
            for node in klass.body:
                for name in _assign_targets(node):
                    value = getattr(node, "value", None)
                    in_classes[name] = value if name not in in_classes else None
        for name, value in in_classes.items():
            if value is not None and name not in assigned:
                self.constants[name] = self.value(value)
                self._constant_nodes[name] = value

    def default_where_unset(self, node: ast.AST) -> tuple[str, str] | None:
        """("NAME", default) for a value read from a variable Niblit does not set, with a
        default that resolves: what the app gets on Niblit, whose environment has only the
        spec's three variables."""
        fallback = self._env_fallback(node)
        if fallback and fallback[0] not in spec.ENVIRONMENT_NAMES and isinstance(fallback[1], str):
            return fallback[0], fallback[1]
        return None

    def on_niblit(self, node: ast.AST) -> str | None:
        """The string an expression has on Niblit: a literal, the value Niblit gives a variable
        it sets (FLASK_ENV is "production"), or the default of one it does not set."""
        if isinstance(node, ast.Name) and node.id in self._constant_nodes:  # env_type = os.environ.get(...)
            node = self._constant_nodes[node.id]
        value = self.value(node)
        if isinstance(value, str):
            return value
        name = self._env_name(node) if isinstance(node, ast.Call) else None
        if name is None and isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and node.values:
            name = self._env_name(node.values[0])
        if name is not None and name in spec.ENVIRONMENT:
            return spec.ENVIRONMENT[name]
        fallback = self._env_fallback(node)
        return fallback[1] if fallback and isinstance(fallback[1], str) else None

    def _env_fallback(self, node: ast.AST, depth: int = 0) -> tuple[str, Value] | None:
        """For a value read from the environment with a default (`os.environ.get("NAME",
        default)`, `os.getenv("NAME") or default`, or a module constant bound to one):
        ("NAME", the default's value). What the app gets where NAME is not set."""
        if depth > 20:
            return None
        if isinstance(node, ast.Name) and node.id in self._constant_nodes:
            return self._env_fallback(self._constant_nodes[node.id], depth + 1)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and len(node.values) == 2:
            name = self._env_name(node.values[0])
            return (name, self.value(node.values[1], depth + 1)) if name else None
        if isinstance(node, ast.Call) and self._env_name(node):
            default = env_default(node)
            return (self._env_name(node) or "", self.value(default, depth + 1)) if default is not None else None
        return None

    def _env_name(self, node: ast.AST) -> str | None:
        """NAME of `os.environ.get("NAME"...)` / `os.getenv("NAME"...)`, else None."""
        if not isinstance(node, ast.Call) or not node.args or not _reads_environment(self.qualified(node.func)):
            return None
        first = node.args[0]
        return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None

    def qualified(self, node: ast.AST) -> str | None:
        """The dotted name with import aliases undone (`F` -> `flask.Flask`)."""
        name = dotted(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        real = self.aliases.get(head)
        if real is None:
            return name
        return f"{real}.{rest}" if rest else real

    def value(self, node: ast.AST, depth: int = 0) -> Value:
        if depth > 20:
            return None
        d = depth + 1
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.JoinedStr):
            parts = []
            for piece in node.values:
                if isinstance(piece, ast.Constant):
                    parts.append(str(piece.value))
                elif isinstance(piece, ast.FormattedValue):
                    inner = self.value(piece.value, d)
                    if not isinstance(inner, str):
                        return inner if inner is FROM_ENV else None
                    parts.append(inner)
            return "".join(parts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
            template = node.left.value
            items = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
            values = [self.value(item, d) for item in items]
            if isinstance(template, str) and all(isinstance(v, str) for v in values):
                try:
                    return template % tuple(values)
                except (TypeError, ValueError):
                    return None
            return FROM_ENV if any(v is FROM_ENV for v in values) else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div)):
            left, right = self.value(node.left, d), self.value(node.right, d)
            if left is FROM_ENV or right is FROM_ENV:
                return FROM_ENV
            if isinstance(left, str) and isinstance(right, str):
                return left + right if isinstance(node.op, ast.Add) else posixpath.join(left, right)
            return None
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            first = self.value(node.values[0], d)
            return FROM_ENV if first is FROM_ENV else None
        if isinstance(node, ast.Name):
            if node.id == "__file__":
                return self.file
            if node.id in self._bound:
                return self._bound[node.id]
            return self.constants.get(node.id)
        if isinstance(node, ast.Subscript):
            if self.qualified(node.value) in ("os.environ",):
                return FROM_ENV
            key = node.slice
            if (isinstance(key, ast.Constant) and key.value in self._config_nodes
                    and (dotted(node.value) or "").endswith("config")):
                return self.value(self._config_nodes[str(key.value)], d)  # app.config["DATA_FOLDER"], set once
            return None
        if isinstance(node, ast.Attribute):
            if node.attr == "parent":
                inner = self.value(node.value, d)
                return posixpath.dirname(inner) if isinstance(inner, str) else inner
            if node.attr == "instance_path":
                return posixpath.join(WORKDIR, "instance")
            if node.attr == "root_path":
                return WORKDIR
            return None
        if isinstance(node, ast.Call):
            return self._call(node, d)
        return None

    def _call(self, node: ast.Call, depth: int) -> Value:
        name = self.qualified(node.func) or ""
        if _reads_environment(name):
            return FROM_ENV
        if isinstance(node.func, ast.Name) and node.func.id in self._helpers and not self._bound:
            return self._helper(node, depth)
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            template = self.value(node.func.value, depth)
            values = [self.value(a, depth) for a in node.args]
            if isinstance(template, str) and all(isinstance(v, str) for v in values) and not node.keywords:
                try:
                    return template.format(*values)
                except (IndexError, KeyError, ValueError):
                    return None
            return FROM_ENV if any(v is FROM_ENV for v in values) else None
        if name == "os.getcwd" or name.endswith("Path.cwd"):
            return WORKDIR
        if name in ("tempfile.gettempdir", "tempfile.gettempdirb"):
            return "/tmp"  # TMPDIR is not set in the container
        args = [self.value(a, depth) for a in node.args]
        if any(a is FROM_ENV for a in args):
            return FROM_ENV
        if name.startswith("os.path.") and name.rsplit(".", 1)[1] in _PATH_FUNCS:
            if not args or not all(isinstance(a, str) for a in args):
                return None
            strings = [a for a in args if isinstance(a, str)]
            func = name.rsplit(".", 1)[1]
            if func == "join":
                return posixpath.join(*strings)
            if func == "dirname":
                return posixpath.dirname(strings[0])
            if func == "expanduser":
                return strings[0].replace("~", "/root", 1)
            return absolute(strings[0])
        if name in ("str", "os.fspath") or name.endswith(("Path", "PurePath", "PosixPath")):
            if len(args) == 1:
                return args[0]
            if args and all(isinstance(a, str) for a in args):
                return posixpath.join(*[a for a in args if isinstance(a, str)])
            return None
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("resolve", "absolute"):
            inner = self.value(node.func.value, depth)
            return absolute(inner) if isinstance(inner, str) else inner
        if isinstance(node.func, ast.Attribute) and node.func.attr == "joinpath":
            base = self.value(node.func.value, depth)
            if isinstance(base, str) and all(isinstance(a, str) for a in args):
                return posixpath.join(base, *[a for a in args if isinstance(a, str)])
        return None


    def _helper(self, node: ast.Call, depth: int) -> Value:
        """A call of the module's own one-expression function, its parameters bound to the
        call's arguments (one level: a helper's helpers are not followed)."""
        assert isinstance(node.func, ast.Name)
        params, returned = self._helpers[node.func.id]
        if len(node.args) > len(params) or node.keywords:
            return None
        self._bound = {param: self.value(arg, depth) for param, arg in zip(params, node.args)}
        try:
            return self.value(returned, depth + 1)
        finally:
            self._bound = {}


def _single_return(function: ast.FunctionDef) -> ast.expr | None:
    """`return <expr>` when that (after a docstring) is all the function does."""
    body = function.body[1:] if function.body and isinstance(function.body[0], ast.Expr) \
        and isinstance(function.body[0].value, ast.Constant) else function.body
    if len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
        return body[0].value
    return None


def _config_assignments(tree: ast.Module) -> dict[str, ast.expr]:
    """`app.config["KEY"] = value` at module level, for keys set exactly once."""
    counts: dict[str, int] = {}
    values: dict[str, ast.expr] = {}
    for node in _module_level(tree.body):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript):
            target = node.targets[0]
            key = target.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and \
                    (dotted(target.value) or "").endswith("config"):
                counts[key.value] = counts.get(key.value, 0) + 1
                values[key.value] = node.value
    return {key: value for key, value in values.items() if counts[key] == 1}


_ENV_READS = frozenset({"os.environ.get", "os.getenv", "os.environ.setdefault"})


def env_default(call: ast.Call) -> ast.expr | None:
    """The default of an environment read's call (`os.environ.get("X", d)`, `os.getenv("X",
    default=d)`; environs' `value=`), or None when it gives none."""
    return call.args[1] if len(call.args) > 1 else next(
        (k.value for k in call.keywords if k.arg in ("default", "value")), None)


def _reads_environment(name: str | None) -> bool:
    """Is `name` (a qualified call) a read of one environment variable?"""
    return name is not None and (name in _ENV_READS or name.endswith("environ.get"))


def absolute(path: str) -> str:
    """Where a path lands when the app runs with its working directory at /app."""
    return posixpath.normpath(posixpath.join(WORKDIR, path))


def under(path: str, directory: str) -> bool:
    path = absolute(path)
    return path == directory or path.startswith(directory.rstrip("/") + "/")


def _import_aliases(nodes: Iterable[ast.AST]) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements that run at import: top level, and inside top-level if/try/with."""
    for node in body:
        yield node
        if isinstance(node, ast.If):
            yield from _module_level(node.body)
            yield from _module_level(node.orelse)
        elif isinstance(node, ast.Try):
            yield from _module_level(node.body)
            for handler in node.handlers:
                yield from _module_level(handler.body)
            yield from _module_level(node.orelse)
            yield from _module_level(node.finalbody)
        elif isinstance(node, ast.With):
            yield from _module_level(node.body)


def module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    return _module_level(body)


_TEST_CLASS = re.compile(r"^Test(?![a-z])|Test(ing)?(Config|Settings)$")


def inside_test_classes(nodes: Iterable[ast.AST]) -> set[int]:
    """ids of the nodes inside `class TestingConfig:`, `class TestConfig:`, `class TestX:`:
    settings and fixtures for the tests, not for what Niblit runs."""
    return {id(inner) for node in nodes if isinstance(node, ast.ClassDef) and _TEST_CLASS.search(node.name)
            for inner in ast.walk(node)}


def is_main_guard(node: ast.stmt) -> bool:
    """`if __name__ == "__main__":` (either way round): its body never runs under gunicorn."""
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    parts = [node.test.left, *node.test.comparators]
    return any(isinstance(p, ast.Name) and p.id == "__name__" for p in parts) and any(
        isinstance(p, ast.Constant) and p.value == "__main__" for p in parts
    )


def binds_at_module_level(tree: ast.Module, name: str) -> bool:
    """Does the module assign `name` at module level (inside top-level if/try blocks too),
    or import it under that name?"""
    for node in module_level(tree.body):
        if name in _assign_targets(node):
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if any((alias.asname or alias.name.split(".")[0]) == name for alias in node.names):
                return True
    return False


def assigned_names(node: ast.AST) -> list[str]:
    """The names a statement binds (`X = ...`, `X: int = ...`)."""
    return _assign_targets(node)


def _assign_targets(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
        return [node.target.id]
    return []


@dataclasses.dataclass(frozen=True)
class Setting:
    """A configuration value assigned somewhere: `KEY = v`, `app.config["KEY"] = v`, `config.update(KEY=v)`."""

    key: str
    node: ast.AST  # the value expression
    path: str


def settings(nodes: Iterable[ast.AST], path: str, keys: Container[str]) -> Iterator[Setting]:
    """Assignments of the named settings anywhere in a module (module, class or function level)."""
    for node in nodes:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = node.value
            if value is None:
                continue
            for target in targets:
                key = _setting_key(target)
                if key is not None and key in keys:
                    yield Setting(key, value, path)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("update", "from_mapping", "setdefault") and _is_config(node.func.value):
                for keyword in node.keywords:
                    if keyword.arg is not None and keyword.arg in keys:
                        yield Setting(keyword.arg, keyword.value, path)
                for arg in node.args:
                    if isinstance(arg, ast.Dict):
                        yield from _dict_settings(arg, path, keys)
                    elif isinstance(arg, ast.Call) and dotted(arg.func) == "dict":  # update(dict(KEY=...))
                        for keyword in arg.keywords:
                            if keyword.arg is not None and keyword.arg in keys:
                                yield Setting(keyword.arg, keyword.value, path)
                if node.func.attr == "setdefault" and len(node.args) == 2:
                    name = node.args[0]
                    if isinstance(name, ast.Constant) and name.value in keys:
                        yield Setting(str(name.value), node.args[1], path)
        elif isinstance(node, ast.Dict):
            yield from _dict_settings(node, path, keys)


def _dict_settings(node: ast.Dict, path: str, keys: Container[str]) -> Iterator[Setting]:
    for key, value in zip(node.keys, node.values):
        if isinstance(key, ast.Constant) and key.value in keys:
            yield Setting(str(key.value), value, path)


def _setting_key(target: ast.AST) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr if target.attr.isupper() else None
    if isinstance(target, ast.Subscript) and _is_config(target.value):
        key = target.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
    return None


def _is_config(node: ast.AST) -> bool:
    name = dotted(node) or ""
    return name.endswith("config") or name.endswith("settings")


Function = ast.FunctionDef | ast.AsyncFunctionDef


def enclosing_function(node: ast.AST, functions: Iterable[ast.AST]) -> Function | None:
    """The innermost of `functions` whose lines hold the node (found by line range among the
    module's nodes, so no second walk of the module)."""
    line = getattr(node, "lineno", 0)
    inside = [f for f in functions if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
              and f.lineno <= line <= (f.end_lineno or 0)]
    return max(inside, key=lambda f: f.lineno, default=None)


def nodes(project: Project, module: ParsedPython) -> tuple[ast.AST, ...]:
    """Every node of a module, from the walk made once at parse time."""
    assert module.tree is not None
    return module.nodes or tuple(ast.walk(module.tree))


def nodes_of(project: Project, module: ParsedPython, *types: type[ast.AST]) -> list[ast.AST]:
    """The module's nodes of exactly these types, in walk order: a rule that looks only at
    calls need not run its checks on the other nine nodes in ten."""
    wanted = frozenset(types)
    return project.module_memo(module.path, ("nodes-of", wanted),
                               lambda: [node for node in nodes(project, module) if node.__class__ in wanted])


def resolver(project: Project, module: ParsedPython) -> Resolver:
    """The module's resolver, built once per project and shared by the rules."""
    assert module.tree is not None
    tree = module.tree
    return project.module_memo(module.path, "resolver", lambda: Resolver(tree, module.path, nodes(project, module)))


def mentions(project: Project, module: ParsedPython, *words: str) -> bool:
    """A cheap pre-filter: does the module's text contain any of these words at all?"""
    text = project.read_text(module.path) or ""
    return any(word in text for word in words)
