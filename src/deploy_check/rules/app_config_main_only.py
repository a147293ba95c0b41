"""The app's configuration is set only under `if __name__ == "__main__":`.

## Why it breaks on Niblit
The template runs `gunicorn app:app`: gunicorn *imports* the module, so a
block under `if __name__ == "__main__":` never runs there. Settings made
only in that block (`app.config["UPLOAD_FOLDER"] = ...`, `app.secret_key =
...`, `app.config.from_object(...)`) are missing in production: the session
has no key ("The session is unavailable because no secret key was set"), an
upload route finds no `UPLOAD_FOLDER` and answers 500. It works with
`python app.py`, which is why it goes unnoticed. Every module the served app
imports counts, and so does a guard such as `__name__ == "__main__" or
__name__ == "main"`. The dev-only keys (`DEBUG`, `TESTING`, `ENV`,
`TEMPLATES_AUTO_RELOAD`, `EXPLAIN_TEMPLATE_LOADING`) belong there and are
not reported.

## How to fix
Set the configuration at module level, above the block; keep only what
starts the development server (`app.run(...)`) under it.

`--fix` does it (a safe fix) for the settings directly in the block that
depend on nothing the block does before them: they move, in order and with
their comments, to just above the `if`. When a setting reads something the
block changes first (or changes what an earlier line reads), moving it changes
what `python app.py` does too: that move is an unsafe fix (`--unsafe-fixes`),
and a setting inside a nested block is left for you.

## Example
Bad:
```python
app = Flask(__name__)

if __name__ == "__main__":
    app.config["UPLOAD_FOLDER"] = "/data/uploads"
    app.run()
```
Good:
```python
app = Flask(__name__)
app.config["UPLOAD_FOLDER"] = "/data/uploads"

if __name__ == "__main__":
    app.run()
```
"""
from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator

from deploy_check.finding import Finding
from deploy_check.finding import Fix
from deploy_check.fixing import codemod
from deploy_check.parsing import python
from deploy_check.parsing.imports import is_deployed_code
from deploy_check.parsing import reachability
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("app-config-main-only", severity="error", doc=__doc__, fix="safe")
# Flask's Config methods that load or change settings.
_CONFIG_METHODS = frozenset({"update", "setdefault", "from_object", "from_pyfile", "from_envvar", "from_mapping",
                             "from_file", "from_prefixed_env"})
# Settings for local runs only: right where they are.
_DEV_ONLY = frozenset({"DEBUG", "TESTING", "ENV", "TEMPLATES_AUTO_RELOAD", "EXPLAIN_TEMPLATE_LOADING"})
MOVE = "move the app's configuration above `if __name__ == \"__main__\":` (gunicorn never runs that block)"


@dataclasses.dataclass(frozen=True)
class _Setting:
    node: ast.stmt
    what: str  # as the code spells it: app.config['UPLOAD_FOLDER'], app.secret_key
    direct: bool  # directly in the guard's block (not in a nested one)


def check(project: Project) -> Iterator[Finding]:
    served = reachability.reachable(project)
    paths = sorted(served) if served is not None else sorted(
        entry.path for entry in project.files if entry.path.endswith(".py") and is_deployed_code(entry.path))
    for path in paths:
        parsed = project.python(path)
        if parsed.tree is None or not parsed.parses:
            continue
        module_name = path[:-3].replace("/", ".").removesuffix(".__init__")
        guards = [node for node in parsed.tree.body
                  if isinstance(node, ast.If) and _never_under_gunicorn(node.test, module_name)]
        # What gunicorn runs of the module: all of it but those blocks.
        served_part = ast.Module(body=[node for node in parsed.tree.body if node not in guards], type_ignores=[])
        for guard in guards:
            yield from _guard(project, path, served_part, guard)


def _never_under_gunicorn(test: ast.expr, module_name: str) -> bool:
    """`__name__ == "__main__"` (either way round), or an `or` of such tests none of which
    names the module as gunicorn imports it."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return all(_never_under_gunicorn(value, module_name) for value in test.values)
    if not isinstance(test, ast.Compare) or len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    left, right = test.left, test.comparators[0]
    if isinstance(right, ast.Name):
        left, right = right, left
    return (isinstance(left, ast.Name) and left.id == "__name__" and isinstance(right, ast.Constant)
            and isinstance(right.value, str) and right.value != module_name)


def _guard(project: Project, path: str, tree: ast.Module, guard: ast.If) -> Iterator[Finding]:
    settings = list(_settings(tree, guard.body, direct=True))
    if not settings:
        return
    test = ast.get_source_segment(project.read_text(path) or "", guard.test) or "__name__ == \"__main__\""
    names = [setting.what for setting in settings]
    shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    fix, by_hand = _fix(project, path, guard, settings)
    hint = "set them at module level, above the `if` (keep app.run() under it)"
    if fix is not None and not fix.safe:
        hint += "; --unsafe-fixes moves them, though they read or change what the block does before them"
    if by_hand:
        hint += "; move by hand: " + "; ".join(by_hand[:6])
    yield RULE.finding(
        f"{shown} {'is' if len(names) == 1 else 'are'} set only under `if {test[:80]}:`, which never runs "
        f"under gunicorn: the served app goes without {'it' if len(names) == 1 else 'them'}",
        python.location(path, settings[0].node), hint=hint, fix=fix)


def _settings(tree: ast.Module, body: list[ast.stmt], direct: bool) -> Iterator[_Setting]:
    for node in body:
        what = _sets_config(tree, node)
        if what is not None:
            yield _Setting(node, what, direct)
        elif isinstance(node, (ast.If, ast.For, ast.While, ast.With, ast.Try)):
            for block in ("body", "orelse", "finalbody"):
                yield from _settings(tree, getattr(node, block, []), direct=False)
            for handler in getattr(node, "handlers", []):
                yield from _settings(tree, handler.body, direct=False)


def _sets_config(tree: ast.Module, node: ast.stmt) -> str | None:
    """What `node` sets of a module-level app's configuration, as the code spells it."""
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        targets = [node.target]
    for target in targets:
        if isinstance(target, ast.Subscript) and _config_of_app(tree, target.value):
            key = target.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value in _DEV_ONLY:
                return None
            return f"{python.dotted(target.value)}[{ast.unparse(key)[:40]}]"
        if isinstance(target, ast.Attribute) and target.attr == "secret_key" and isinstance(target.value, ast.Name) \
                and python.binds_at_module_level(tree, target.value.id):
            return f"{target.value.id}.secret_key"
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        if isinstance(func, ast.Attribute) and func.attr in _CONFIG_METHODS and _config_of_app(tree, func.value):
            return f"{python.dotted(func)}(...)"
    return None


def _config_of_app(tree: ast.Module, node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "config" and isinstance(node.value, ast.Name)
            and python.binds_at_module_level(tree, node.value.id))


def _fix(project: Project, path: str, guard: ast.If, settings: list[_Setting]) -> tuple[Fix | None, list[str]]:
    """The settings directly in the block moved above it, and those left for a human (why).

    A setting that reads a name the block binds before it stays (above the block that name is
    unbound, or another value). A move is safe when the setting neither depends on, nor is
    depended on by, a statement of the block left before it (an attribute it changes, a
    method it calls): the safe moves make the fix; when there are none, the others make an
    unsafe one."""
    by_hand = [f"{s.what} (in a nested block)" for s in settings if not s.direct]
    wanted = {id(s.node): s for s in settings if s.direct}
    safe_moves = _movable(guard, wanted, by_hand, strict=True)
    moving = safe_moves or _movable(guard, wanted, [], strict=False)
    if not moving:
        return None, by_hand
    lines = _line_indices(guard.body)
    indices = tuple(lines[guard.body.index(node)] for node in moving)
    edits = codemod.at_node(path, project.read_text(path), guard, ("If",), codemod.move_above_block(indices))
    return (Fix(bool(safe_moves), edits, MOVE) if edits else None), by_hand


def _movable(guard: ast.If, wanted: dict[int, _Setting], by_hand: list[str], strict: bool) -> list[ast.stmt]:
    moving: list[ast.stmt] = []
    for index, node in enumerate(guard.body):
        if id(node) not in wanted:
            continue
        names = _Names(node)
        left = [_Names(earlier) for earlier in guard.body[:index] if earlier not in moving]
        bound = {name for earlier in left for name in earlier.binds} & {_root(path) for path in names.reads}
        if bound or _shares_line(guard.body, node):
            if strict:
                by_hand.append(f"{wanted[id(node)].what} (reads {', '.join(sorted(bound)) or 'a line it shares'}, "
                               "which the block sets)")
            continue
        if strict and any(_overlap(names.reads, earlier.writes) or _overlap(names.writes, earlier.reads)
                          for earlier in left):
            continue
        moving.append(node)
    return moving


def _shares_line(body: list[ast.stmt], node: ast.stmt) -> bool:
    return any(other is not node and (other.lineno <= node.lineno <= (other.end_lineno or other.lineno)
                                      or node.lineno <= other.lineno <= (node.end_lineno or node.lineno))
               for other in body)


def _line_indices(body: list[ast.stmt]) -> list[int]:
    """Each statement's index among the block's lines as libcst counts them (simple statements
    joined by `;` are one line)."""
    out: list[int] = []
    index = -1
    previous: ast.stmt | None = None
    for node in body:
        if previous is None or node.lineno != (previous.end_lineno or previous.lineno):
            index += 1
        out.append(index)
        previous = node
    return out


class _Names:
    """What a statement reads, changes and binds, as dotted paths (`app.config`,
    `tempfile.tempdir`): the attribute or item it assigns, the object whose method it calls,
    a name it binds. Compound statements are read coarsely (every name is read and changed)."""

    def __init__(self, node: ast.stmt) -> None:
        self.reads: set[str] = set()
        self.writes: set[str] = set()
        self.binds: set[str] = set()
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                self._store(target)
                if isinstance(node, ast.AugAssign):
                    self._load(target)
            if node.value is not None:
                self._load(node.value)
        elif isinstance(node, ast.Expr):
            self._load(node.value)
        else:
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name):
                    self.reads.add(inner.id)
                    self.writes.add(inner.id)
                    if isinstance(inner.ctx, ast.Store):
                        self.binds.add(inner.id)
                elif isinstance(inner, (ast.Import, ast.ImportFrom)):
                    self.binds.update((alias.asname or alias.name).split(".")[0] for alias in inner.names)
                elif isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    self.binds.add(inner.name)
                elif isinstance(inner, (ast.Global, ast.Nonlocal)):
                    self.binds.update(inner.names)
            self.writes |= self.binds

    def _store(self, target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self.binds.add(target.id)
            self.writes.add(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for item in target.elts:
                self._store(item)
        elif isinstance(target, ast.Starred):
            self._store(target.value)
        elif isinstance(target, (ast.Attribute, ast.Subscript)):
            base = target if isinstance(target, ast.Attribute) else target.value
            path = python.dotted(base)
            if path is None:
                self._load(target.value)
            else:
                self.writes.add(path)
            if isinstance(target, ast.Subscript):
                self._load(target.slice)

    def _load(self, node: ast.AST) -> None:
        path = python.dotted(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
        if path is not None:
            self.reads.add(path)
            return
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = python.dotted(node.func.value)
            if owner is not None:  # a method may change its object
                self.writes.add(owner)
                self.reads.add(owner)
                for child in [*node.args, *node.keywords]:
                    self._load(child)
                return
        for child in ast.iter_child_nodes(node):
            self._load(child)


def _overlap(first: set[str], second: set[str]) -> bool:
    return any(a == b or a.startswith(b + ".") or b.startswith(a + ".") for a in first for b in second)


def _root(path: str) -> str:
    return path.split(".", 1)[0]
