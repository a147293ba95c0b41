"""The layout holds: no import circle in src/, no import from a lower layer to a higher one,
and no fact of the Niblit spec spelled outside deploy_check/spec.py.

Imports are read with `ast`, lazy ones (inside functions) and TYPE_CHECKING ones included:
a circle that only runs later is still a circle.
"""
from __future__ import annotations

import ast
import fnmatch
import pathlib

import pytest

SRC = pathlib.Path(__file__).resolve().parent.parent / "src"
PACKAGE = "deploy_check"

# Lowest first. A module may import modules of its own layer or of lower ones only.
# Names are module paths below deploy_check; `*` matches within one package.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("spec, finding and observations", ("", "spec", "finding", "errors", "observed")),
    ("the tree and its settings", ("walk", "project", "upload_set", "ignores", "config", "workflow_commands")),
    ("parsing", ("parsing", "parsing.*", "module_visit")),
    # What rules build their fixes with (edits, the template, requirements, .gitignore lines);
    # the engine that plans and writes them is in a higher layer.
    ("fix proposals", ("fixing.text", "fixing.dockerfile", "fixing.requirements", "fixing.gitignore",
                       "fixing.codemod")),
    ("rules", ("rules", "rules.*")),
    ("run settings and results", ("options", "run_report", "stages")),
    ("runtime, zip and fixes", ("runtime", "runtime.*", "zipper", "zip_stage", "artifact", "backoff", "fixing", "fixing.*",
                                "rest", "changed_lines", "baseline")),
    ("engine", ("engine", "module_visit", "apps")),
    ("report", ("report", "report.*")),
    ("cli and action", ("cli", "action", "pull_request", "launcher", "docs", "__main__")),
)


def _modules() -> dict[str, pathlib.Path]:
    found = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: pathlib.Path) -> set[str]:
    """The project modules `name` imports, wherever in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                targets.add(submodule if submodule in MODULES else base)
    return {t for t in targets if t in MODULES and t != name}


def _graph() -> dict[str, set[str]]:
    # The package's own __init__ is a lazy facade (names resolved on first use): its edges
    # are not dependencies of the layers, and importing it (for __version__) is free.
    return {name: set() if name == PACKAGE else _imports(name, path) for name, path in MODULES.items()}


def _layer(module: str) -> int:
    local = module[len(PACKAGE) + 1:] if module != PACKAGE else ""
    for index, (_, patterns) in enumerate(LAYERS):
        if any(fnmatch.fnmatchcase(local, p) if "*" in p else local == p for p in patterns):
            return index
    raise AssertionError(f"{module} is in no layer: add it to LAYERS in {__file__}")


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circle() -> None:
    assert _circles(_graph()) == []


def test_the_circle_finder_finds_circles() -> None:
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_module_is_in_a_layer() -> None:
    for module in MODULES:
        _layer(module)


def test_no_import_from_a_lower_layer_to_a_higher_one() -> None:
    upward = [
        f"{module} ({LAYERS[_layer(module)][0]}) imports {target} ({LAYERS[_layer(target)][0]})"
        for module, targets in sorted(_graph().items())
        for target in sorted(targets)
        if _layer(target) > _layer(module)
    ]
    assert upward == []


# -- the spec in one place ---------------------------------------------------------------

# Strings that spell a fact of the spec: found inside any string literal...
SPEC_FRAGMENTS = ("0.0.0.0:5000", ":5000", "5000/tcp", "/data/app.db", "/data/uploads", "python:3.12-slim",
                  "app:app", "--no-cache-dir")
# ...or as a whole string literal.
SPEC_STRINGS = frozenset({"/data", "/data/", "PORT", "FLASK_ENV", "DATABASE_PATH", "production", "5000",
                          "free", "pro", "team", "/app", "/app/"})
SPEC_MODULE = SRC / PACKAGE / "spec.py"


def _docstrings(tree: ast.AST) -> set[int]:
    nodes = [tree, *(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))]
    ids = set()
    for node in nodes:
        body = getattr(node, "body", [])
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            ids.add(id(body[0].value))
    return ids


def spec_literals(source: str) -> list[tuple[int, str]]:
    """(line, literal) for each string literal of `source` that spells a spec fact."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    hits = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str) or id(node) in docstrings:
            continue
        text = node.value
        if text in SPEC_STRINGS or any(fragment in text for fragment in SPEC_FRAGMENTS):
            hits.append((node.lineno, text))
    return hits


@pytest.mark.parametrize("path", [p for p in MODULES.values() if p != SPEC_MODULE],
                         ids=lambda p: str(p.relative_to(SRC)))
def test_no_spec_literal_outside_spec_py(path: pathlib.Path) -> None:
    assert spec_literals(path.read_text(encoding="utf-8")) == []


def test_the_spec_literal_finder_finds_them() -> None:
    source = '"""Docs may say /data/app.db."""\nX = "/data"\nY = f"bind {z} 0.0.0.0:5000"\nZ = "/database"\n'
    assert [line for line, _ in spec_literals(source)] == [2, 3]

