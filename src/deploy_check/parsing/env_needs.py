"""Environment reads that fail at start where a variable is unset: the facts of one module.

What runs when the module is imported: its module-level statements (under
`if`/`try`/`with`/`for` too, never under `if __name__ == "__main__":`) and the bodies of
its classes (a config class's body runs at import). A top-level function's body is kept
apart, under its name: it runs at start only when something calls it then (`app =
create_app()` in the entry, gunicorn's `'pkg:create_app()'`), which the rule decides
across modules. Nested functions (routes, helpers) run later and are not looked at.

A read is guarded, and not kept, under an `if` or a conditional expression whose test
reads the same variable (`if "X" in os.environ:`, `if os.getenv("X"):`) or inside a
`try` whose handlers catch the error the read would raise.
"""
from __future__ import annotations

import ast
import bisect
import dataclasses
import posixpath
import re
from collections.abc import Iterator

from deploy_check.parsing import python
from deploy_check.parsing.imports import is_deployed_code
from deploy_check.parsing.reachability import absolute_import
from deploy_check.project import Project

INDEX = "index"  # os.environ["X"]: KeyError
NONE_USE = "none-use"  # os.getenv("X").replace(...): the None fails
MAPPING = "mapping"  # config[os.getenv("FLASK_ENV")]: a key the mapping may not have
SETTING = "setting"  # SECRET_KEY = os.getenv("SECRET_KEY"): None in a setting Flask needs
RAISE = "raise"  # `if not os.getenv("X"): raise ...`, `assert "X" in os.environ`: the app stops on purpose

# Settings whose None the app survives at start and fails on later (what the rule says).
SETTINGS = frozenset({"SECRET_KEY", "SQLALCHEMY_DATABASE_URI"})
# Calls that raise TypeError on None.
_NONE_FAILS = frozenset({"int", "float", "bytes", "len", "json.loads", "pathlib.Path", "Path",
                         "os.path.join", "os.path.abspath", "os.path.expanduser", "os.listdir"})
# Handlers that catch each kind's error.
_CATCHES = {
    INDEX: frozenset({"KeyError", "LookupError", "Exception", "BaseException"}),
    NONE_USE: frozenset({"AttributeError", "TypeError", "ValueError", "Exception", "BaseException"}),
    MAPPING: frozenset({"KeyError", "LookupError", "Exception", "BaseException"}),
    SETTING: frozenset(),
    RAISE: frozenset(),
}
_EXITS = frozenset({"sys.exit", "exit", "quit", "os._exit"})
_SETTINGS_MODULE = re.compile(r"(config|settings)[^/]*\.py$")
_MAX_TEXT = 80
_MAX_NEEDS = 500


@dataclasses.dataclass(frozen=True)
class Need:
    """One read that fails, or misleads, where `variable` is unset."""

    kind: str
    variable: str
    line: int
    column: int  # 1-based, in characters as ast counts them (bytes: see codemod.character_column)
    end_line: int
    end_column: int
    scope: str | None  # None: runs at import; else the top-level function it is in
    where: str  # "in class Config", "in create_app()", "" at module level
    text: str  # the read as written (shortened)
    use: str = ""  # NONE_USE: what fails on None (".replace()", "int()", "a subscript")
    setting: str | None = None  # the Flask setting the read is assigned to (SECRET_KEY, ...)
    default: str | None = None  # MAPPING: the read's default (None: no default)
    mapping: tuple[str, str] | None = None  # MAPPING: (module, name) of the mapping
    getter: bool = False  # MAPPING: read with .get(key, fallback), not [key]
    fallback: str | None = None  # MAPPING with .get: the fallback as written


@dataclasses.dataclass(frozen=True)
class Facts:
    """What the rule needs of one module: its needs, the names it calls at import, and its
    module-level mappings with literal keys (name -> ((key, value as written), ...))."""

    needs: tuple[Need, ...] = ()
    start_calls: frozenset[str] = frozenset()
    mappings: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    # Its top-level classes: (name, the last part of each base's name, the names its body assigns).
    classes: tuple[tuple[str, tuple[str, ...], frozenset[str]], ...] = ()
    # The names each top-level function calls (what runs at start when it does).
    calls_in: tuple[tuple[str, frozenset[str]], ...] = ()


def facts(project: Project, path: str) -> Facts:
    """The module's facts (kept after its AST is gone: gathered in the lint's one visit)."""
    def compute() -> Facts:
        if not path.endswith(".py") or not is_deployed_code(path):
            return Facts()
        text = project.read_text(path) or ""
        parsed = project.python(path)
        if parsed.tree is None:
            return Facts()
        imports = python.nodes_of(project, parsed, ast.Import, ast.ImportFrom)
        visitor = _Visitor(parsed.tree, path, python.resolver(project, parsed), text, imports)
        # Only a module that reads the environment is walked for its reads.
        found = visitor.facts(reads="environ" in text or "getenv" in text)
        calls = python.nodes_of(project, parsed, ast.Call)
        return dataclasses.replace(found, calls_in=_calls_in_functions(parsed.tree, calls))

    return project.memo(("env.needs", path), compute)


def module_path_candidates(dotted: str) -> tuple[str, str]:
    """The files a dotted module name may be, from the root."""
    stem = dotted.replace(".", "/")
    return stem + ".py", stem + "/__init__.py"


class _Visitor:
    def __init__(self, tree: ast.Module, path: str, resolver: python.Resolver, text: str,
                 imports: list[ast.AST]) -> None:
        self.tree = tree
        self.path = path
        self.resolver = resolver
        self.lines = text.splitlines()
        self.module = path[:-3].replace("/", ".").removesuffix(".__init__")
        self.package = posixpath.dirname(path).replace("/", ".")
        self.imported = self._imported_names(imports)
        self.needs: list[Need] = []
        self.calls: set[str] = set()
        self.function: ast.AST = tree  # the top-level function being visited, or the module
        self.raisers = _raising_readers(tree, resolver)
        # A settings module's own names are settings (`SECRET_KEY = ...` in config.py).
        self.settings_module = bool(_SETTINGS_MODULE.search(posixpath.basename(path))) \
            or "from_object(__name__)" in text

    def facts(self, reads: bool) -> Facts:
        if reads:
            self._block(self.tree.body, None, "", frozenset(), frozenset())
        else:
            self._start_calls()
        return Facts(tuple(self.needs[:_MAX_NEEDS]), frozenset(self.calls), tuple(self._mappings()),
                     tuple(self._classes()))

    def _classes(self) -> Iterator[tuple[str, tuple[str, ...], frozenset[str]]]:
        for statement in python.module_level(self.tree.body):
            if isinstance(statement, ast.ClassDef):
                bases = tuple((python.dotted(base) or "").rsplit(".", 1)[-1] for base in statement.bases)
                assigned = frozenset(name for item in statement.body for name in python.assigned_names(item))
                yield statement.name, bases, assigned

    def _start_calls(self) -> None:
        """The names called at import, for a module with no reads to visit."""
        for statement in python.module_level(self.tree.body):
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.Try,
                                      ast.With)):
                continue
            for node in _walk(statement):
                if isinstance(node, ast.Call) and (name := python.dotted(node.func)):
                    self.calls.add(name.rsplit(".", 1)[-1])

    # -- where code runs ----------------------------------------------------------------

    def _block(self, body: list[ast.stmt], scope: str | None, where: str,
               tested: frozenset[str], caught: frozenset[str]) -> None:
        bound = self._env_bound(body)
        for statement in body:
            if python.is_main_guard(statement):
                continue
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if scope is None and not where:  # a top-level function: kept under its name
                    self.function = statement
                    self._block(statement.body, statement.name, f"in {statement.name}()", frozenset(), frozenset())
                    self.function = self.tree
                continue
            if isinstance(statement, ast.ClassDef):
                if scope is None:
                    self._expressions([*statement.bases, *statement.decorator_list], scope, where, tested, caught,
                                      bound, statement)
                    self._block(statement.body, None, f"in class {statement.name}", tested, caught)
                    if not where:  # its __init__ runs where the class is called at start
                        for method in statement.body:
                            if isinstance(method, ast.FunctionDef) and method.name == "__init__":
                                self.function = method
                                self._block(method.body, statement.name, f"in {statement.name}.__init__()",
                                            frozenset(), frozenset())
                                self.function = self.tree
                continue
            if isinstance(statement, (ast.If, ast.Assert)) and not caught:
                stops = self._stops_when_unset(statement, body)
                if stops is not None and stops[0] not in tested:
                    self._add(RAISE, stops[0], statement.test, scope, where, use=stops[1])
            if isinstance(statement, ast.Assert):
                continue
            if isinstance(statement, (ast.If, ast.While)):
                inner = tested | self._tested(statement.test)
                self._expressions([statement.test], scope, where, tested, caught, bound, statement)
                self._block(statement.body, scope, where, inner, caught)
                self._block(statement.orelse, scope, where, inner, caught)
                continue
            if isinstance(statement, ast.Try) or type(statement).__name__ == "TryStar":
                assert isinstance(statement, ast.Try) or hasattr(statement, "handlers")
                handlers: list[ast.ExceptHandler] = getattr(statement, "handlers", [])
                names = frozenset(name for handler in handlers for name in self._caught(handler))
                self._block(getattr(statement, "body", []), scope, where, tested, caught | names)
                for handler in handlers:
                    self._block(handler.body, scope, where, tested, caught)
                self._block(getattr(statement, "orelse", []), scope, where, tested, caught)
                self._block(getattr(statement, "finalbody", []), scope, where, tested, caught)
                continue
            if isinstance(statement, (ast.With, ast.AsyncWith, ast.For, ast.AsyncFor)):
                heads: list[ast.AST] = [item.context_expr for item in statement.items] \
                    if isinstance(statement, (ast.With, ast.AsyncWith)) else [statement.iter]
                self._expressions(heads, scope, where, tested, caught, bound, statement)
                self._block(statement.body, scope, where, tested, caught)
                self._block(getattr(statement, "orelse", []), scope, where, tested, caught)
                continue
            self._statement(statement, scope, where, tested, caught, bound)

    def _statement(self, statement: ast.stmt, scope: str | None, where: str, tested: frozenset[str],
                   caught: frozenset[str], bound: dict[str, _Bound]) -> None:
        self._expressions([statement], scope, where, tested, caught, bound, statement)

    def _expressions(self, roots: list[ast.AST], scope: str | None, where: str, tested: frozenset[str],
                     caught: frozenset[str], bound: dict[str, _Bound], statement: ast.stmt) -> None:
        parents: dict[int, ast.AST] = {}
        nodes: list[ast.AST] = []
        inner_tested = set(tested)
        stack = list(roots)
        while stack:
            node = stack.pop()
            nodes.append(node)
            if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue  # runs later (or is handled as a block)
            if isinstance(node, (ast.IfExp, ast.BoolOp)):
                inner_tested |= self._tested(node.test if isinstance(node, ast.IfExp) else node)
            for child in ast.iter_child_nodes(node):
                parents[id(child)] = node
                stack.append(child)
        for node in nodes:
            if isinstance(node, ast.Call) and scope is None:
                name = python.dotted(node.func)
                if name:
                    self.calls.add(name.rsplit(".", 1)[-1])
            self._read(node, parents, statement, scope, where, frozenset(inner_tested), caught, bound)

    # -- the reads ----------------------------------------------------------------------

    def _read(self, node: ast.AST, parents: dict[int, ast.AST], statement: ast.stmt, scope: str | None,
              where: str, tested: frozenset[str], caught: frozenset[str], bound: dict[str, _Bound]) -> None:
        raised = self._raiser_call(node)
        if raised is not None:
            if not caught and raised[0] not in tested:
                self._add(RAISE, raised[0], node, scope, where, use=raised[1])
            return
        variable = self._indexed(node)
        if variable is not None:
            if variable not in tested and not caught & _CATCHES[INDEX]:
                self._add(INDEX, variable, node, scope, where,
                          setting=self._setting(node, parents, statement, scope, where))
            return
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            self._mapping(node, node.slice, node.value, False, None, scope, where, tested, caught, bound)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
                and node.args and self.resolver.qualified(node.func.value) != "os.environ":
            fallback = node.args[1] if len(node.args) > 1 else None
            self._mapping(node, node.args[0], node.func.value, True, fallback, scope, where, tested, caught, bound)
        read = self._no_default_read(node)
        if read is None or read in tested:
            return
        use = self._none_use(node, parents)
        if use is not None:
            if not caught & _CATCHES[NONE_USE]:
                self._add(NONE_USE, read, node, scope, where, use=use)
            return
        setting = self._setting(node, parents, statement, scope, where)
        if setting is not None:
            self._add(SETTING, read, node, scope, where, setting=setting)
            return
        name = self._bound_to(node, parents, statement)
        if name is not None and name in bound and bound[name].read is node:
            use_node = self._use_of(name, bound[name])
            if use_node is not None and not caught & _CATCHES[NONE_USE]:
                used, line = use_node
                self._add(NONE_USE, read, node, scope, where, use=f"{used} (line {line}, through {name})")

    def _raiser_call(self, node: ast.AST) -> tuple[str, str] | None:
        """(X, what) for a call of the module's own function that raises when X is unset
        (`get_secret("SECRET_KEY")`, whose body reads os.getenv(name.upper()) and ends in raise)."""
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in self.raisers
                and node.args):
            return None
        literal = _literal(node.args[0])
        if literal is None:
            return None
        variable = literal.upper() if self.raisers[node.func.id] else literal
        return variable, f"{node.func.id}() raises"

    def _stops_when_unset(self, statement: ast.If | ast.Assert, body: list[ast.stmt]) -> tuple[str, str] | None:
        """(X, what) for `if not os.getenv("X"): raise ...` / `if "X" not in os.environ: sys.exit(...)`
        / `assert "X" in os.environ`, also through a name bound earlier in the block to the read."""
        names = self._read_names(body[: body.index(statement)])
        if isinstance(statement, ast.Assert):
            variable = self._required(statement.test, names, negated=False)
            return (variable, "an assert stops it") if variable else None
        last = statement.body[-1] if statement.body else None
        exits = isinstance(last, ast.Raise) or (
            isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
            and (self.resolver.qualified(last.value.func) or "") in _EXITS)
        if not exits:
            return None
        variable = self._required(statement.test, names, negated=True)
        return (variable, "raise" if isinstance(last, ast.Raise) else "exit") if variable else None

    def _read_names(self, before: list[ast.stmt]) -> dict[str, str]:
        """Names (`v`, `self.KEY`) bound in these statements to a read that gives nothing when unset."""
        names: dict[str, str] = {}
        for statement in before:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                name = python.dotted(statement.targets[0])
                read = self._env_read(statement.value)
                if name and read is not None and (read[1] is None or isinstance(read[1], ast.Constant)
                                                  and read[1].value in (None, "")):
                    names[name] = read[0]
        return names

    def _required(self, test: ast.AST, names: dict[str, str], negated: bool) -> str | None:
        """X when `test` is true (negated: false) exactly where X is set."""
        if isinstance(test, ast.BoolOp):
            wanted = ast.Or if negated else ast.And
            if isinstance(test.op, wanted):
                return next((v for value in test.values if (v := self._required(value, names, negated))), None)
            return None
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return self._required(test.operand, names, not negated)
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            op, right = test.ops[0], test.comparators[0]
            if isinstance(op, (ast.In, ast.NotIn)) and self.resolver.qualified(right) == "os.environ":
                if isinstance(op, ast.NotIn) == negated:
                    return _literal(test.left)
                return None
            if isinstance(op, (ast.Is, ast.IsNot)) and isinstance(right, ast.Constant) and right.value is None:
                if isinstance(op, ast.Is) == negated:
                    return self._value_read(test.left, names)
            return None
        return None if negated else self._value_read(test, names)

    def _value_read(self, node: ast.AST, names: dict[str, str]) -> str | None:
        read = self._env_read(node)
        if read is not None:
            return read[0] if read[1] is None else None
        name = python.dotted(node)
        return names.get(name) if name else None

    def _indexed(self, node: ast.AST) -> str | None:
        """X of `os.environ["X"]` (read) or `os.environ.__getitem__("X")`."""
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) \
                and self.resolver.qualified(node.value) == "os.environ":
            return _literal(node.slice)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "__getitem__" \
                and self.resolver.qualified(node.func.value) == "os.environ" and len(node.args) == 1:
            return _literal(node.args[0])
        return None

    def _env_read(self, node: ast.AST) -> tuple[str, ast.expr | None] | None:
        """(X, its default or None) for `os.getenv("X"[, default])` / `os.environ.get(...)`."""
        if not isinstance(node, ast.Call) or not node.args or len(node.args) > 2:
            return None
        name = self.resolver.qualified(node.func)
        if name not in ("os.getenv", "os.environ.get"):
            return None
        variable = _literal(node.args[0])
        if variable is None:
            return None
        return variable, python.env_default(node)

    def _no_default_read(self, node: ast.AST) -> str | None:
        read = self._env_read(node)
        if read is None:
            return None
        variable, default = read
        return variable if default is None or isinstance(default, ast.Constant) and default.value is None else None

    def _none_use(self, node: ast.AST, parents: dict[int, ast.AST]) -> str | None:
        """What fails on the None that `node` gives, when its parent uses it so."""
        parent = parents.get(id(node))
        if isinstance(parent, ast.Attribute) and parent.value is node:
            called = isinstance(parents.get(id(parent)), ast.Call) and parents[id(parent)].func is parent  # type: ignore[attr-defined]
            return f".{parent.attr}()" if called else f".{parent.attr}"
        if isinstance(parent, ast.Subscript) and parent.value is node:
            return "a subscript"
        if isinstance(parent, ast.BinOp) and isinstance(parent.op, (ast.Add, ast.Mod)) \
                and (parent.left is node or isinstance(parent.op, ast.Add)):
            return "+" if isinstance(parent.op, ast.Add) else "%"
        if isinstance(parent, ast.Compare) and node in parent.comparators \
                and any(isinstance(op, (ast.In, ast.NotIn)) for op in parent.ops):
            return "in"
        if isinstance(parent, ast.Call) and node in parent.args:
            name = self.resolver.qualified(parent.func) or ""
            if name in _NONE_FAILS:
                return f"{name}()"
        return None

    def _setting(self, node: ast.AST, parents: dict[int, ast.AST], statement: ast.stmt, scope: str | None,
                 where: str) -> str | None:
        """The Flask setting (SECRET_KEY, SQLALCHEMY_DATABASE_URI) `node` is assigned to, as a whole:
        a plain name is one only in a config class's body or at a settings module's top level
        (elsewhere `SECRET_KEY = os.getenv(...)` may be an S3 client's)."""
        parent = parents.get(id(node))
        if isinstance(parent, ast.keyword) and parent.arg in SETTINGS:
            return parent.arg
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is node:
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                key = _setting_key(target)
                plain = isinstance(target, ast.Name)
                if key in SETTINGS and (not plain or where.startswith("in class ")
                                        or (scope is None and not where and self.settings_module)):
                    return key
        return None

    def _bound_to(self, node: ast.AST, parents: dict[int, ast.AST], statement: ast.stmt) -> str | None:
        if isinstance(statement, ast.Assign) and statement.value is node and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], ast.Name):
            return statement.targets[0].id
        return None

    def _env_bound(self, body: list[ast.stmt]) -> dict[str, _Bound]:
        """Names this block binds once, to a read without a default, and never tests."""
        counts: dict[str, int] = {}
        reads: dict[str, _Bound] = {}
        tested: set[str] = set()
        for index, statement in enumerate(body):
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                    and isinstance(statement.targets[0], ast.Name) and self._no_default_read(statement.value):
                reads[statement.targets[0].id] = _Bound(statement.value, body[index + 1:])
        if not reads:
            return {}
        for statement in body:
            for node in _walk(statement):
                if isinstance(node, (ast.If, ast.IfExp, ast.While, ast.Assert)):
                    tested |= {n.id for n in _walk(node.test) if isinstance(n, ast.Name)}
                elif isinstance(node, ast.BoolOp):
                    tested |= {n.id for n in _walk(node) if isinstance(n, ast.Name)}
                elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    counts[node.id] = counts.get(node.id, 0) + 1
        return {name: read for name, read in reads.items() if counts.get(name) == 1 and name not in tested}

    def _use_of(self, name: str, bound: _Bound) -> tuple[str, int] | None:
        """The first use of `name` after its binding, in the same block at import, that fails on None."""
        for statement in bound.after:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.Try)) \
                    or python.is_main_guard(statement):
                continue
            nodes = list(_walk(statement))
            parents = {id(child): node for node in nodes for child in ast.iter_child_nodes(node)}
            for node in nodes:
                if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
                    use = self._none_use(node, parents)
                    if use is not None:
                        return use, node.lineno
        return None

    def _mapping(self, node: ast.AST, key: ast.AST, mapping: ast.AST, getter: bool, fallback: ast.AST | None,
                 scope: str | None, where: str, tested: frozenset[str], caught: frozenset[str],
                 bound: dict[str, _Bound]) -> None:
        read = self._env_read(key)
        if read is None and isinstance(key, ast.Name):
            read = self._named_read(key.id, node)
        if read is None or (not getter and caught & _CATCHES[MAPPING]):
            return
        variable, default = read
        if variable in tested:
            return
        target = self._qualified_mapping(mapping)
        if target is None:
            return
        if default is not None and not (isinstance(default, ast.Constant) and isinstance(default.value, str)):
            if not (isinstance(default, ast.Constant) and default.value is None):
                return  # a default that is not a literal: not judged
            default = None
        self._add(MAPPING, variable, node, scope, where,
                  default=default.value if isinstance(default, ast.Constant) else None,
                  mapping=target, getter=getter, fallback=self._text(fallback) if fallback is not None else None)

    def _named_read(self, name: str, at: ast.AST) -> tuple[str, ast.expr | None] | None:
        """The env read `name` is bound to, once, in the function (or module) being visited."""
        scope = self.function.body if isinstance(self.function, (ast.FunctionDef, ast.AsyncFunctionDef)) \
            else list(python.module_level(self.tree.body))
        values = [node.value for statement in scope for node in _walk(statement) if isinstance(node, ast.Assign)
                  and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)]
        return self._env_read(values[0]) if len(values) == 1 else None

    def _qualified_mapping(self, node: ast.AST) -> tuple[str, str] | None:
        name = python.dotted(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        if head in self.imported:
            full = self.imported[head] + (f".{rest}" if rest else "")
            module, _, attribute = full.rpartition(".")
            return (module, attribute) if module else None
        return (self.module, name) if not rest else None

    def _imported_names(self, imports: list[ast.AST]) -> dict[str, str]:
        """Local name -> absolute dotted name, for the module's imports (relative ones resolved)."""
        names: dict[str, str] = {}
        for node in imports:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        names[alias.asname] = alias.name
            elif isinstance(node, ast.ImportFrom):
                base = absolute_import(self.package, node.module, node.level)
                if base is None:
                    continue
                for alias in node.names:
                    if alias.name != "*":
                        names[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
        return names

    def _mappings(self) -> Iterator[tuple[str, tuple[tuple[str, str], ...]]]:
        for statement in python.module_level(self.tree.body):
            if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                    and isinstance(statement.targets[0], ast.Name)):
                continue
            value = statement.value
            pairs: list[tuple[str, str]] = []
            if isinstance(value, ast.Dict):
                for key, item in zip(value.keys, value.values):
                    literal = _literal(key) if key is not None else None
                    if literal is None:
                        break
                    pairs.append((literal, self._text(item)))
                else:
                    yield statement.targets[0].id, tuple(pairs)
            elif isinstance(value, ast.Call) and python.dotted(value.func) == "dict" and not value.args \
                    and all(k.arg is not None for k in value.keywords):
                yield statement.targets[0].id, tuple((str(k.arg), self._text(k.value)) for k in value.keywords)

    # -- helpers -------------------------------------------------------------------------

    def _tested(self, test: ast.AST) -> frozenset[str]:
        """Variables a condition reads (`"X" in os.environ`, `os.getenv("X")`, `os.environ["X"]`)."""
        names: set[str] = set()
        for node in _walk(test):
            if isinstance(node, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
                if any(self.resolver.qualified(c) == "os.environ" for c in node.comparators):
                    literal = _literal(node.left)
                    if literal is not None:
                        names.add(literal)
            read = self._env_read(node) or (None if self._indexed(node) is None else (self._indexed(node), None))
            if read is not None and read[0] is not None:
                names.add(read[0])
        return frozenset(names)

    def _caught(self, handler: ast.ExceptHandler) -> Iterator[str]:
        if handler.type is None:
            yield "BaseException"
            return
        for node in handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]:
            name = python.dotted(node)
            if name:
                yield name.rsplit(".", 1)[-1]

    def _add(self, kind: str, variable: str, node: ast.AST, scope: str | None, where: str, **more: object) -> None:
        if len(self.needs) >= _MAX_NEEDS:
            return
        where_here = where
        line: int = getattr(node, "lineno", 1)
        self.needs.append(Need(kind, variable, line, getattr(node, "col_offset", 0) + 1,
                               getattr(node, "end_lineno", None) or line,
                               (getattr(node, "end_col_offset", None) or 0) + 1, scope, where_here,
                               self._text(node), **more))  # type: ignore[arg-type]

    def _text(self, node: ast.AST) -> str:
        line = getattr(node, "lineno", 0)
        end = getattr(node, "end_lineno", line)
        if line and line == end and line <= len(self.lines):
            raw = self.lines[line - 1].encode("utf-8")[node.col_offset:node.end_col_offset]  # type: ignore[attr-defined]
            text = raw.decode("utf-8", "replace")
        else:
            text = python.dotted(node) or "..."
        return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 3] + "..."


def _raising_readers(tree: ast.Module, resolver: python.Resolver) -> dict[str, bool]:
    """The module's functions that read the variable their first parameter names and end in
    `raise` when it is unset: name -> whether they upper-case it (`os.getenv(name.upper())`)."""
    found: dict[str, bool] = {}
    for function in tree.body:
        if not isinstance(function, ast.FunctionDef) or not function.args.args or not function.body \
                or not isinstance(function.body[-1], ast.Raise):
            continue
        parameter = function.args.args[0].arg
        for statement in function.body:
            for node in _walk(statement):
                if isinstance(node, ast.Call) and node.args and \
                        resolver.qualified(node.func) in ("os.getenv", "os.environ.get"):
                    first = node.args[0]
                    if isinstance(first, ast.Name) and first.id == parameter:
                        found[function.name] = False
                    elif (isinstance(first, ast.Call) and isinstance(first.func, ast.Attribute)
                          and first.func.attr == "upper" and isinstance(first.func.value, ast.Name)
                          and first.func.value.id == parameter):
                        found[function.name] = True
    return found


def _calls_in_functions(tree: ast.Module, calls: list[ast.AST]) -> tuple[tuple[str, frozenset[str]], ...]:
    """For each top-level function, the names it calls (from the module's one walk, by lines)."""
    spans = sorted((f.lineno, f.end_lineno or f.lineno, f.name) for f in tree.body
                   if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)))
    if not spans:
        return ()
    starts = [first for first, _, _ in spans]
    called: dict[str, set[str]] = {name: set() for _, _, name in spans}
    for call in calls:
        line = getattr(call, "lineno", 0)
        index = bisect.bisect_right(starts, line) - 1
        name = python.dotted(call.func) if isinstance(call, ast.Call) else None
        if name and index >= 0 and line <= spans[index][1]:
            called[spans[index][2]].add(name.rsplit(".", 1)[-1])
    return tuple((name, frozenset(names)) for name, names in called.items())


@dataclasses.dataclass(frozen=True)
class _Bound:
    """A name bound to a read without a default: the read, and the statements after it."""

    read: ast.expr
    after: list[ast.stmt]


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a small subtree (a statement, a condition): the module's one walk
    (python.nodes) has no parent links, and these are never the whole module."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(ast.iter_child_nodes(current))


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _setting_key(target: ast.AST) -> str | None:
    """SECRET_KEY for `SECRET_KEY = ...`, `app.secret_key = ...`, `app.config["SECRET_KEY"] = ...`."""
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr.upper() if target.attr in ("secret_key", "SECRET_KEY") else target.attr
    if isinstance(target, ast.Subscript):
        return _literal(target.slice)
    return None
