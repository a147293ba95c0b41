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
    """Names of the classes the module loads with `from_object("dotted.path.Class")`."""
    def compute() -> tuple[str, ...]:
        parsed = project.python(path)
        if parsed.tree is None or not is_deployed_code(path):
            return ()
        names = []
        for node in python.nodes_of(project, parsed, ast.Call):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "from_object"):
                continue
            given = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "obj"), None)
            if isinstance(given, ast.Constant) and isinstance(given.value, str):
                last = given.value.rsplit(".", 1)[-1]
                if last[:1].isupper():
                    names.append(last)
        return tuple(names)

    return project.memo(("config.loaded", path), compute)


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
