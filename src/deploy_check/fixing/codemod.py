"""Python rewrites for rules' fixes, with libcst (which keeps every byte it is not asked to change).

A rule names what to change by where its finding is (the ast node's line and column);
`rewrite` parses the module with libcst, finds the node that starts there, lets the
rule's callback change the module, re-parses the result with `ast` and returns the
change as the smallest line edits (so that fixes to other lines of the same file do not
overlap it). Anything that does not parse, or does not match, gives no fix.
"""
from __future__ import annotations

import ast
import difflib
from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import Any

from deploy_check.finding import Edit
from deploy_check.fixing.text import split_lines

if TYPE_CHECKING:
    import libcst

# A module larger than this is not rewritten (libcst is slow on huge generated files).
MAX_REWRITE_CHARS = 512 * 1024


def line_edits(path: str, old: str, new: str) -> tuple[Edit, ...]:
    """`old` -> `new` as whole-line edits, one per changed run of lines."""
    before = split_lines(old, keepends=True)
    after = split_lines(new, keepends=True)
    edits = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            edits.append(Edit(path, i1 + 1, 1, i2 + 1, 1, "".join(after[j1:j2])))
    return tuple(edits)


def character_column(line_text: str, byte_offset: int) -> int:
    """ast's col_offset (UTF-8 bytes) as a count of characters, as libcst counts."""
    return len(line_text.encode("utf-8")[:byte_offset].decode("utf-8", "ignore"))


class Target:
    """The libcst node a finding is about, found by where it starts, and the statement around it."""

    def __init__(self, node: libcst.CSTNode, statement: libcst.CSTNode | None, top: libcst.CSTNode | None,
                 parent: libcst.CSTNode | None = None, grandparent: libcst.CSTNode | None = None) -> None:
        self.node = node
        self.parent, self.grandparent = parent, grandparent
        self.statement = statement  # the innermost simple statement line holding it
        self.top = top  # the module-level statement holding it


Transform = Callable[["libcst.Module", Target], "libcst.Module | None"]


def at_node(path: str, text: str | None, node: ast.AST, kinds: tuple[str, ...], transform: Transform,
            ) -> tuple[Edit, ...] | None:
    """`rewrite` at where the ast `node` starts, for libcst node classes named in `kinds`."""
    line = getattr(node, "lineno", None)
    offset = getattr(node, "col_offset", None)
    if text is None or line is None or offset is None:
        return None
    lines = split_lines(text)
    if not 1 <= line <= len(lines):
        return None
    return rewrite(path, text, line, character_column(lines[line - 1], offset), kinds, transform)


def rewrite(path: str, text: str | None, line: int, column: int, kinds: tuple[str, ...],
            transform: Transform, containing: bool = False) -> tuple[Edit, ...] | None:
    """Edits for `transform(module, target)` applied to `text`, where the target is the first
    node of a libcst class named in `kinds` starting at (line, column) (1-based line, 0-based
    character column); None when nothing matches or the result does not parse."""
    if text is None or len(text) > MAX_REWRITE_CHARS:
        return None
    import libcst as cst
    from libcst.metadata import ParentNodeProvider
    from libcst.metadata import PositionProvider

    try:
        wrapper = cst.MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
        positions = wrapper.resolve(PositionProvider)
        parents = wrapper.resolve(ParentNodeProvider)
    except Exception:  # noqa: BLE001 - libcst's parser and its metadata raise several kinds
        return None
    module = wrapper.module
    point = (line, column)
    if containing:  # the innermost node whose range holds the point
        holding = [(node, where) for node, where in positions.items() if type(node).__name__ in kinds
                   and (where.start.line, where.start.column) <= point < (where.end.line, where.end.column)]
        holding.sort(key=lambda item: (item[1].start.line, item[1].start.column), reverse=True)
        found = holding[0][0] if holding else None
    else:
        found = next((node for node, where in positions.items()
                      if type(node).__name__ in kinds and (where.start.line, where.start.column) == point), None)
    if found is None:
        return None
    statement, top, current = None, None, found
    while current is not module:
        parent = parents.get(current)
        if parent is None:
            return None
        if statement is None and isinstance(current, cst.SimpleStatementLine):
            statement = current
        if parent is module:
            top = current
        current = parent
    try:
        parent = parents.get(found)
        changed = transform(module, Target(found, statement, top, parent, parents.get(parent) if parent else None))
    except Exception:  # noqa: BLE001 - a rewrite that does not fit this code gives no fix
        return None
    if changed is None:
        return None
    new = changed.code
    if new == text:
        return None
    try:
        ast.parse(new)
    except (SyntaxError, ValueError, RecursionError):
        return None
    return line_edits(path, text, new)


def expression(code: str) -> Any:
    import libcst as cst

    return cst.parse_expression(code)


def statement(code: str, module: libcst.Module) -> Any:
    """One statement, parsed with the module's own newline and indentation."""
    import libcst as cst

    return cst.parse_statement(code, config=module.config_for_parsing)


def with_imports(module: libcst.Module, *names: str) -> libcst.Module:
    """`module` with `import NAME` for each name it does not import yet (after its docstring
    and `from __future__` imports, beside its other imports)."""
    import libcst as cst
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor

    present = {alias.evaluated_name for node in module.body if isinstance(node, cst.SimpleStatementLine)
               for small in node.body if isinstance(small, cst.Import) for alias in small.names}
    wanted = [name for name in names if name not in present]
    if not wanted:
        return module
    context = CodemodContext()
    for name in wanted:
        AddImportsVisitor.add_needed_import(context, name)
    return AddImportsVisitor(context).transform_module(module)


def change(module: libcst.Module, replace: dict[Any, Any] | None = None, before: dict[Any, list[Any]] | None = None,
           after: dict[Any, list[Any]] | None = None, remove: tuple[Any, ...] = ()) -> libcst.Module:
    """`module` with nodes of it (by identity) replaced, statements put before or after
    statements (in whatever block holds them) and statements removed, in one pass."""
    import libcst as cst

    replacing: dict[Any, Any] = replace or {}
    putting_before: dict[Any, list[Any]] = before or {}
    putting_after: dict[Any, list[Any]] = after or {}

    class Changer(cst.CSTTransformer):
        def on_leave(self, original: Any, updated: Any) -> Any:
            if original in remove:
                return cst.RemoveFromParent()
            updated = replacing.get(original, updated)
            if original in putting_before or original in putting_after:
                return cst.FlattenSentinel([*putting_before.get(original, []), updated,
                                            *putting_after.get(original, [])])
            return updated

    changed = module.visit(Changer())
    assert isinstance(changed, cst.Module)
    return changed


# -- the rewrites rules ask for --------------------------------------------------------------


def replace_with(code: str, imports: tuple[str, ...] = (), after: str | None = None) -> Transform:
    """The target expression becomes `code`; `after` (a statement, if given) goes right after
    the statement holding it, with `{target}` in it standing for what that statement assigns
    (the target must then be the whole value of a one-target assignment); `imports` are added
    when missing."""

    def transform(module: libcst.Module, target: Target) -> libcst.Module | None:
        import libcst as cst

        later = {}
        if after is not None:
            line = target.statement
            assign = line.body[0] if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 else None
            if not isinstance(assign, cst.Assign) or len(assign.targets) != 1 or assign.value is not target.node:
                return None
            assigned = module.code_for_node(assign.targets[0].target)
            later = {line: [statement(after.replace("{target}", assigned), module)]}
        return with_imports(change(module, replace={target.node: expression(code)}, after=later), *imports)

    return transform


def move_under_main_guard(module: libcst.Module, target: Target) -> libcst.Module | None:
    """The target statement, a module-level one, moved to the end of the module under
    `if __name__ == "__main__":` (into the last such block when there is one)."""
    import libcst as cst

    line = target.node
    if not isinstance(line, cst.SimpleStatementLine) or target.top is not line or len(line.body) != 1:
        return None
    moved = line.with_changes(leading_lines=[l for l in line.leading_lines if l.comment is not None])
    guards = [node for node in module.body if isinstance(node, cst.If) and _is_main_guard(node)]
    if guards and isinstance(guards[-1].body, cst.IndentedBlock):
        guard = guards[-1]
        body = guard.body.with_changes(body=[*guard.body.body, moved])
        return change(module, replace={guard: guard.with_changes(body=body)}, remove=(line,))
    newline, indent = module.default_newline, module.default_indent
    inner = "".join(indent + part if part.strip() else part
                    for part in module.code_for_node(moved).splitlines(keepends=True))
    block = statement(f'{newline}{newline}if __name__ == "__main__":{newline}{inner}', module)
    changed = change(module, remove=(line,))
    return changed.with_changes(body=[*changed.body, block])


def move_above_block(indices: tuple[int, ...]) -> Transform:
    """The statements at `indices` of the target block's body (an `if` at module level) moved,
    in order and with their comments, to just above it; the block goes when nothing is left."""

    def transform(module: libcst.Module, target: Target) -> libcst.Module | None:
        import libcst as cst

        block = target.node
        if not isinstance(block, cst.If) or target.top is not block or not isinstance(block.body, cst.IndentedBlock):
            return None
        body = list(block.body.body)
        if not indices or max(indices) >= len(body):
            return None
        moving = [node for index in indices if isinstance(node := body[index], cst.SimpleStatementLine)]
        if len(moving) != len(indices):
            return None
        kept = [node for index, node in enumerate(body) if index not in indices]
        # The blank lines before the block now lead the moved lines; its comment stays on it
        # (or goes with them, when nothing of the block is left).
        blank = next((i for i, line in enumerate(block.leading_lines) if line.comment is not None),
                     len(block.leading_lines)) if kept else len(block.leading_lines)
        moving[0] = moving[0].with_changes(leading_lines=[*block.leading_lines[:blank], *moving[0].leading_lines])
        if not kept:
            return change(module, replace={block: cst.FlattenSentinel(moving)})
        rest = block.with_changes(leading_lines=[cst.EmptyLine(), *block.leading_lines[blank:]],
                                  body=block.body.with_changes(body=kept))
        return change(module, replace={block: cst.FlattenSentinel([*moving, rest])})

    return transform


def _is_main_guard(node: Any) -> bool:
    import libcst as cst
    import libcst.matchers as m

    test = node.test
    name, main = m.Name("__name__"), m.SimpleString(value=m.MatchIfTrue(lambda v: v.strip("'\"") == "__main__"))
    return isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and (
        (m.matches(test.left, name) and m.matches(test.comparisons[0].comparator, main))
        or (m.matches(test.left, main) and m.matches(test.comparisons[0].comparator, name)))


def env_read(module: libcst.Module, target: Target, fallback: str | None = None) -> tuple[Any, str] | None:
    """What replaces a literal secret: (the node to replace, the code that reads it from the
    environment). An `os.environ.get("NAME", "literal")` / `os.getenv(...)` default gives the
    whole call; a literal assigned to a name, a subscript key or passed as a keyword gives the
    upper-cased name. `fallback` (code) is used when the variable is unset; without it the
    read is `os.environ.get("NAME")`: None when unset, so the app still starts on Niblit (which
    sets none of the user's variables) and only what uses the key fails. None when no name can
    be told."""
    import libcst as cst

    def read(name: str) -> str:
        return f'os.environ.get("{name}") or {fallback}' if fallback else f'os.environ.get("{name}")'

    parent, grandparent = target.parent, target.grandparent
    if isinstance(parent, cst.Arg) and isinstance(grandparent, cst.Call):
        call = grandparent
        func = module.code_for_node(call.func)
        first = call.args[0].value if call.args else None
        if func in ("os.environ.get", "os.getenv", "environ.get", "getenv") and call.args[0] is not parent \
                and isinstance(first, cst.SimpleString):
            return call, read(str(first.evaluated_value))
        if parent.keyword is not None:
            return target.node, read(parent.keyword.value.upper())
        return None
    line = target.statement
    assign = line.body[0] if isinstance(line, cst.SimpleStatementLine) and line.body else None
    if isinstance(assign, (cst.Assign, cst.AnnAssign)) and assign.value is target.node:
        where = assign.targets[-1].target if isinstance(assign, cst.Assign) else assign.target
        if isinstance(where, cst.Name):
            return target.node, read(where.value.upper())
        if isinstance(where, cst.Attribute):
            return target.node, read(where.attr.value.upper())
        if isinstance(where, cst.Subscript) and len(where.slice) == 1:
            key = where.slice[0].slice
            if isinstance(key, cst.Index) and isinstance(key.value, cst.SimpleString):
                return target.node, read(str(key.value.evaluated_value))
    if isinstance(parent, cst.DictElement) and isinstance(parent.key, cst.SimpleString):
        return target.node, read(str(parent.key.evaluated_value))
    return None


def from_environment(fallback: str | None = None, definition: str | None = None,
                     imports: tuple[str, ...] = ("os",)) -> Transform:
    """The literal (or the environment read it is the default of) read from the environment
    instead (see env_read); `definition`, a function the fallback calls, goes before the
    module-level statement holding it unless the module defines it."""

    def transform(module: libcst.Module, target: Target) -> libcst.Module | None:
        import libcst as cst

        found = env_read(module, target, fallback)
        if found is None:
            return None
        node, code = found
        changed = with_imports(change(module, replace={node: expression(code)}), *imports)
        if definition is not None:
            name = definition.split("(", 1)[0].split()[-1]
            if not any(isinstance(n, cst.FunctionDef) and n.name.value == name for n in changed.body):
                changed = after_imports(changed, definition)
        return changed

    return transform


def after_imports(module: libcst.Module, code: str) -> libcst.Module:
    """`module` with the statement `code` after its leading docstring and imports, two blank
    lines before it: one place, whichever fix asks, so that identical insertions coincide."""
    import libcst as cst

    index = 0
    for position, node in enumerate(module.body):
        if isinstance(node, cst.SimpleStatementLine) and all(
                isinstance(small, (cst.Import, cst.ImportFrom)) or (
                    position == 0 and isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString))
                for small in node.body):
            index = position + 1
        else:
            break
    new = statement(code, module).with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()])
    return module.with_changes(body=[*module.body[:index], new, *module.body[index:]])
