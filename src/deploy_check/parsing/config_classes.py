"""Config classes an app loads by name, and the DEBUG switches of those production would skip.

`app.config.from_object("src.config.DevelopmentConfig")` loads that class whatever its
name says: the facts here (kept after each module's AST is gone, gathered in the lint's
one visit) let debug-enabled see, across modules, that a "development" class is what
production runs.
"""
from __future__ import annotations

import ast
import re

from deploy_check.parsing import python
from deploy_check.parsing.imports import is_deployed_code
from deploy_check.project import Project

# Classes whose settings production does not load unless named (debug-enabled's rule).
NOT_PRODUCTION = re.compile(r"dev|test|local|debug", re.IGNORECASE)

Place = tuple[str, int, int, int, int]  # (class, line, column, end line, end column), 1-based


def loaded_classes(project: Project, path: str) -> tuple[str, ...]:
    """Names of the classes the module loads with `from_object("dotted.path.Class")`, or with
    `from_object(DevelopmentConfig)` outside any if/else or try."""
    def compute() -> tuple[str, ...]:
        parsed = project.python(path)
        if parsed.tree is None or not is_deployed_code(path):
            return ()
        names = []
        branches = [n for n in python.nodes_of(project, parsed, ast.If, ast.IfExp, ast.Try)]
        for node in python.nodes_of(project, parsed, ast.Call):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "from_object"):
                continue
            given = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "obj"), None)
            if isinstance(given, ast.Constant) and isinstance(given.value, str):
                last = given.value.rsplit(".", 1)[-1]
                if last[:1].isupper():
                    names.append(last)
            elif isinstance(given, (ast.Name, ast.Attribute)) and not _in_a_branch(node, branches):
                # from_object(DevelopmentConfig): the class itself, loaded whenever this line runs
                last = (python.dotted(given) or "").rsplit(".", 1)[-1]
                if last[:1].isupper():
                    names.append(last)
        return tuple(names)

    return project.memo(("config.loaded", path), compute)


# One module's part of the Flasky pattern, as plain data kept after the visit:
#   config = {"development": DevelopmentConfig, "default": DevelopmentConfig}      (dicts)
#   def create_app(config_name): app.config.from_object(config[config_name])      (factories)
#   app = create_app(os.getenv("FLASK_CONFIG") or "default")                        (calls)
#   app.config.from_object(config[os.environ.get("APP_ENV", "default")])            (lookups)
Dicts = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # (dict name, ((key, class name), ...))
Factories = tuple[tuple[str, int, str, str], ...]  # (function, parameter position, parameter name, dict name)
Calls = tuple[tuple[str, int | str, str], ...]  # (function, argument position or keyword, its value on Niblit)
Lookups = tuple[tuple[str, str], ...]  # (dict name, the key on Niblit)


# The calls kept: those of app factories (create_app, make_app, app_factory), not every call.
_FACTORY_NAME = re.compile(r"app|factory", re.IGNORECASE)


def config_selection(project: Project, path: str) -> tuple[Dicts, Factories, Calls, Lookups]:
    """What one module says about which config class a dict of them hands from_object."""
    def compute() -> tuple[Dicts, Factories, Calls, Lookups]:
        parsed = project.python(path)
        if parsed.tree is None or not is_deployed_code(path):
            return (), (), (), ()
        dicts: list[tuple[str, tuple[tuple[str, str], ...]]] = []
        for statement in parsed.tree.body:
            if (isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Dict)
                    and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)):
                pairs = tuple((k.value, (python.dotted(v) or "").rsplit(".", 1)[-1])
                              for k, v in zip(statement.value.keys, statement.value.values)
                              if isinstance(k, ast.Constant) and isinstance(k.value, str) and python.dotted(v))
                if pairs and all(name[:1].isupper() for _, name in pairs):
                    dicts.append((statement.targets[0].id, pairs))
        resolver = python.resolver(project, parsed)
        factories: list[tuple[str, int, str, str]] = []
        lookups: list[tuple[str, str]] = []
        functions = [n for n in python.nodes_of(project, parsed, ast.FunctionDef) if isinstance(n, ast.FunctionDef)]
        calls: list[tuple[str, int | str, str]] = []
        for node in python.nodes_of(project, parsed, ast.Call):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Attribute) and node.func.attr == "from_object" and node.args:
                given = node.args[0]
                if isinstance(given, ast.Subscript) and isinstance(given.value, ast.Name):
                    key = given.slice
                    holder = python.enclosing_function(node, functions)
                    params = [a.arg for a in holder.args.args] if holder is not None else []
                    if isinstance(key, ast.Name) and key.id in params and holder is not None:
                        factories.append((holder.name, params.index(key.id), key.id, given.value.id))
                    elif (value := resolver.on_niblit(key)) is not None:
                        lookups.append((given.value.id, value))
            name = python.dotted(node.func)
            if name and _FACTORY_NAME.search(name.rsplit(".", 1)[-1]):
                short = name.rsplit(".", 1)[-1]
                for position, arg in enumerate(node.args):
                    if (value := resolver.on_niblit(arg)) is not None:
                        calls.append((short, position, value))
                for keyword in node.keywords:
                    if keyword.arg and (value := resolver.on_niblit(keyword.value)) is not None:
                        calls.append((short, keyword.arg, value))
        return tuple(dicts), tuple(factories), tuple(calls), tuple(lookups)

    return project.memo(("config.selection", path), compute)


def _in_a_branch(node: ast.AST, branches: list[ast.AST]) -> bool:
    """Inside an if/else or try (by lines): which class loads there depends on the condition."""
    line = getattr(node, "lineno", 0)
    return any(getattr(b, "lineno", 0) <= line <= (getattr(b, "end_lineno", 0) or 0) for b in branches)


def loaded_through_dicts(project: Project) -> frozenset[str]:
    """Classes a dict of config classes hands from_object on Niblit: the key a factory is
    called with (`create_app(os.getenv("FLASK_CONFIG") or "default")`), or the key looked up
    directly; a factory that is never called with a known key loads the dict's "default"."""
    def compute() -> frozenset[str]:
        facts = [config_selection(project, path) for path in project.python_files_in_scope()]
        dicts: dict[str, dict[str, str]] = {}
        for module_dicts, _, _, _ in facts:
            for name, pairs in module_dicts:
                dicts.setdefault(name, {}).update(pairs)
        calls = [call for _, _, module_calls, _ in facts for call in module_calls]
        loaded: set[str] = set()
        for _, factories, _, lookups in facts:
            for dict_name, key in lookups:
                loaded.update(c for k, c in dicts.get(dict_name, {}).items() if k == key)
            for function, position, parameter, dict_name in factories:
                keys = {value for called, where, value in calls
                        if called == function and where in (position, parameter)}
                table = dicts.get(dict_name, {})
                for key in keys or {"default"}:
                    if key in table:
                        loaded.add(table[key])
        return frozenset(loaded)

    return project.memo("config.loaded_through_dicts", compute)


def debug_in_skipped_classes(project: Project, path: str) -> tuple[Place, ...]:
    """Where `DEBUG = True` is set in a development, testing or local config class."""
    def compute() -> tuple[Place, ...]:
        parsed = project.python(path)
        if parsed.tree is None or not is_deployed_code(path):
            return ()
        places: list[Place] = []
        for node in python.nodes_of(project, parsed, ast.ClassDef):
            if not isinstance(node, ast.ClassDef) or not NOT_PRODUCTION.search(node.name):
                continue
            for statement in node.body:
                value = statement.value if isinstance(statement, (ast.Assign, ast.AnnAssign)) else None
                targets = statement.targets if isinstance(statement, ast.Assign) else \
                    [statement.target] if isinstance(statement, ast.AnnAssign) else []
                if (value is not None and isinstance(value, ast.Constant) and value.value is True
                        and any(isinstance(t, ast.Name) and t.id == "DEBUG" for t in targets)):
                    places.append((node.name, value.lineno, value.col_offset + 1,
                                   value.end_lineno or value.lineno, (value.end_col_offset or 0) + 1))
        return tuple(places)

    return project.memo(("config.debug_skipped", path), compute)
