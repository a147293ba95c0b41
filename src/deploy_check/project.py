"""The checked repository as rules see it: its files, read lazily and once."""
from __future__ import annotations

import ast
import collections
import contextlib
import dataclasses
import os
import re
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any
from typing import TypeVar

from deploy_check.walk import FileEntry
from deploy_check.walk import Tree
from deploy_check.walk import walk

# Files larger than this are never read for analysis (a 50 MB "app.py" is
# somebody's data, not code to lint).
MAX_READ_BYTES = 2 * 1024 * 1024

# A parsed module nested deeper than this is treated as unparseable: rules walk
# trees with recursive ast.NodeVisitors (two or three frames a level), which
# raise RecursionError near 1,000 frames. Real code stays far below 100 levels.
MAX_AST_DEPTH = 200

# Parsed modules kept at once. The lint visits each module once (engine.lint), so a small
# cache holds what the rules of that visit share; an AST is ten times its source, and
# keeping every one alive made memory grow with the repository (and slowed the garbage
# collector, which walks everything alive, on every collection).
MAX_CACHED_MODULES = 16

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class ParsedPython:
    """A parsed module, or the reason it did not parse."""

    path: str
    tree: ast.Module | None
    error: str | None = None
    line: int | None = None
    column: int | None = None
    # Every node of `tree`, from the one bounded walk made at parse time (rules share it).
    nodes: tuple[ast.AST, ...] = ()
    # True when the source does not parse (`error` says where) and `tree` is what parses once
    # the offending lines are set aside: rules still read the rest of the module.
    recovered: bool = False

    @property
    def parses(self) -> bool:
        """Does the module parse as written?"""
        return self.tree is not None and not self.recovered


class Project:
    """A repository on disk. Paths are repo-relative and '/'-separated."""

    def __init__(self, root: str, tree: Tree | None = None) -> None:
        self.root = os.path.realpath(root)
        self.tree = tree if tree is not None else walk(self.root)
        self._by_path: dict[str, FileEntry] = {f.path: f for f in self.tree.files}
        self._memo: dict[Any, Any] = {}
        # path -> (parsed module, that module's memo): evicted together, least recently used first.
        self._modules: collections.OrderedDict[str, tuple[ParsedPython, dict[Any, Any]]] = collections.OrderedDict()
        self._scope: str | None = None

    # -- files --------------------------------------------------------------
    @property
    def files(self) -> list[FileEntry]:
        return self.tree.files

    def has(self, path: str) -> bool:
        return path in self._by_path

    def entry(self, path: str) -> FileEntry | None:
        return self._by_path.get(path)

    def files_with_suffix(self, *suffixes: str) -> list[str]:
        return [f.path for f in self.tree.files if f.path.endswith(suffixes)]

    def abspath(self, path: str) -> str:
        return os.path.join(self.root, *path.split("/"))

    def read_bytes(self, path: str) -> bytes | None:
        """Contents of an in-tree file of bounded size, else None."""
        entry = self._by_path.get(path)
        if entry is None or entry.size > MAX_READ_BYTES:
            return None
        return self._read(path, lambda fd: _read_bounded(fd, entry.size))

    def read_head(self, path: str, count: int) -> bytes | None:
        """The first `count` bytes of an in-tree file of any size, else None."""
        return self._read(path, lambda fd: os.read(fd, count)) if path in self._by_path else None

    def _read(self, path: str, reader: Callable[[int], bytes]) -> bytes | None:
        """`reader(fd)` on the file, opened without following a link out of the repository."""
        entry = self._by_path[path]
        full = self.abspath(path)
        if entry.symlink:
            real = os.path.realpath(full)
            if not real.startswith(self.root + os.sep):
                return None
            full = real
        try:
            flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
            fd = os.open(full, flags)
        except OSError:
            return None
        try:
            return reader(fd)
        except OSError:
            return None
        finally:
            os.close(fd)

    def read_text(self, path: str) -> str | None:
        """UTF-8 text (BOM stripped, newlines as read), or None if absent/binary/too big."""
        return self.memo(("text", path), lambda: _decode(self.read_bytes(path)))

    def lines(self, path: str) -> list[str]:
        """Lines without their endings (CRLF and CR handled); [] if unreadable."""
        text = self.read_text(path)
        return text.splitlines() if text is not None else []

    def line(self, path: str, number: int) -> str | None:
        lines = self.lines(path)
        return lines[number - 1] if 0 < number <= len(lines) else None

    # -- python -------------------------------------------------------------
    def python_files(self) -> list[str]:
        return self.files_with_suffix(".py")

    def python(self, path: str) -> ParsedPython:
        return self._module(path)[0]

    def module_memo(self, path: str, key: Any, compute: Callable[[], T]) -> T:
        """Like memo(), for what belongs to one parsed module (a resolver holds its AST):
        dropped with the module when the cache evicts it."""
        memo = self._module(path)[1]
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    def _module(self, path: str) -> tuple[ParsedPython, dict[Any, Any]]:
        cached = self._modules.get(path)
        if cached is not None:
            self._modules.move_to_end(path)
            return cached
        cached = (_parse_python(path, self.read_text(path)), {})
        self._modules[path] = cached
        while len(self._modules) > MAX_CACHED_MODULES:
            self._modules.popitem(last=False)
        return cached

    def python_files_in_scope(self) -> list[str]:
        """The Python files a module rule looks at now: the one module of the lint's
        per-module visit (see `scope`), or every Python file outside it."""
        return [self._scope] if self._scope is not None else self.python_files()

    def parsed_python(self) -> Iterator[ParsedPython]:
        """Every readable Python file in scope that parsed, parsed on demand."""
        for path in self.python_files_in_scope():
            parsed = self.python(path)
            if parsed.tree is not None:
                yield parsed

    @contextlib.contextmanager
    def scope(self, path: str) -> Iterator[None]:
        """Narrow the module rules' view to one module, for the lint's one visit of it."""
        previous, self._scope = self._scope, path
        try:
            yield
        finally:
            self._scope = previous

    # -- caching ------------------------------------------------------------
    def known(self, key: Any) -> bool:
        """Has memo(key, ...) or remember(key, ...) been called?"""
        return key in self._memo

    def remember(self, key: Any, value: Any) -> None:
        """Set what memo(key, ...) returns: a fact gathered elsewhere (a worker process)."""
        self._memo[key] = value

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


def _read_bounded(fd: int, expected: int) -> bytes:
    """At most MAX_READ_BYTES of an open file, asking for the size the walk saw (plus one,
    to notice growth) rather than for the bound: a buffer of the bound per file is slow."""
    chunks: list[bytes] = []
    total = 0
    want = min(expected, MAX_READ_BYTES) + 1
    while total < MAX_READ_BYTES:
        chunk = os.read(fd, min(want, MAX_READ_BYTES - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        want = 64 * 1024
    return b"".join(chunks)


def _decode(data: bytes | None) -> str | None:
    if data is None or b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text[1:] if text.startswith("\ufeff") else text


def _parse_python(path: str, source: str | None) -> ParsedPython:
    if source is None:
        return ParsedPython(path, None, "not readable as UTF-8 text")
    try:
        module = ast.parse(source, filename=path)
    except SyntaxError as error:
        recovered = _recover(source)
        return ParsedPython(
            path, recovered[0] if recovered else None, error.msg or "invalid syntax", error.lineno,
            (error.offset or 0) or None, nodes=recovered[1] if recovered else (), recovered=recovered is not None,
        )
    except (RecursionError, MemoryError):
        return ParsedPython(path, None, "too deeply nested for the Python parser", 1, 1)
    except ValueError as error:  # e.g. "source code string cannot contain null bytes"
        return ParsedPython(path, None, str(error), 1, 1)
    deep, nodes = _bounded_walk(module)
    if deep is not None:
        return ParsedPython(
            path,
            None,
            f"nested more than {MAX_AST_DEPTH} levels deep: too deep to analyse",
            getattr(deep, "lineno", 1),
            getattr(deep, "col_offset", 0) + 1,
        )
    return ParsedPython(path, module, nodes=tuple(nodes))


# Error recovery: at most this many lines set aside (and this share of the module), else
# the module is not analysed beyond its python-syntax finding.
MAX_RECOVERED_LINES = 50
_EXPECTED_BLOCK = re.compile(r"expected an indented block after .* on line (\d+)")
_HANDLER = re.compile(r"^(\s*)(except\b|else\s*:|finally\s*:|elif\b)")


def _recover(source: str) -> tuple[ast.Module, tuple[ast.AST, ...]] | None:
    """The module with its offending lines set aside, one parse error at a time, keeping
    every line's number: a line that does not parse becomes blank (a block header becomes
    `if True:`, a handler `except Exception:`, so its body still parses); a header left
    without a body gets `pass`. A token-level repair, as linters with error recovery do, so
    the other rules still report on the lines they can read. None when that does not end
    in a module within the bounds."""
    lines = source.splitlines(keepends=True)
    budget = min(MAX_RECOVERED_LINES, max(5, len(lines) // 5))
    for _ in range(budget + 1):
        try:
            module = ast.parse("".join(lines))
        except SyntaxError as error:
            if budget <= 0 or not _set_aside(lines, error):
                return None
            budget -= 1
            continue
        except (RecursionError, MemoryError, ValueError):
            return None
        deep, nodes = _bounded_walk(module)
        return None if deep is not None else (module, tuple(nodes))
    return None


def _set_aside(lines: list[str], error: SyntaxError) -> bool:
    """Repair the line the error names, in place; False when there is nothing to repair."""
    number = error.lineno or 0
    header = _EXPECTED_BLOCK.search(error.msg or "")
    if header and 0 < int(header.group(1)) <= len(lines):
        index = int(header.group(1)) - 1
        text = lines[index]
        body = text.rstrip("\r\n")
        if body.rstrip().endswith(":") and not body.rstrip().endswith(" pass"):
            lines[index] = body + " pass" + text[len(body):]
            return True
    if not 0 < number <= len(lines):
        return False
    text = lines[number - 1]
    ending = text[len(text.rstrip("\r\n")):] or "\n"
    stripped = text.strip()
    if not stripped:
        return False  # an error on a blank line (an unclosed bracket above): no line to set aside
    indent = text[: len(text) - len(text.lstrip())]
    handler = _HANDLER.match(text)
    if handler and stripped.endswith(":"):
        replacement = f"{indent}except Exception:" if handler.group(2).startswith("except") else f"{indent}if True:"
        if handler.group(2).startswith(("else", "finally", "elif")):
            replacement = ""
    elif stripped.endswith(":"):
        replacement = f"{indent}if True:"
    else:
        replacement = ""
    if text == replacement + ending:
        return False
    lines[number - 1] = replacement + ending
    return True


# Fields that never hold a node worth visiting: names, flags, and the Load/Store context.
_SCALAR_FIELDS = frozenset(("ctx", "id", "attr", "arg", "name", "module", "level", "kind",
                            "type_comment", "is_async", "conversion", "simple"))
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _bounded_walk(module: ast.Module) -> tuple[ast.AST | None, list[ast.AST]]:
    """Every node but the Load/Store/Del contexts, level by level (as ast.walk), without
    recursion; or the first node nested deeper than MAX_AST_DEPTH. Written out by hand:
    it runs on every node of every Python file, and ast.walk costs twice as much."""
    nodes: list[ast.AST] = []
    level: list[ast.AST] = [module]
    depth = 0
    node_type = ast.AST
    while level:
        if depth > MAX_AST_DEPTH:
            return level[0], nodes
        nodes.extend(level)
        below: list[ast.AST] = []
        for node in level:
            fields = _CHILD_FIELDS.get(type(node))
            if fields is None:
                fields = _CHILD_FIELDS[type(node)] = tuple(f for f in node._fields if f not in _SCALAR_FIELDS)
            for field in fields:
                value = getattr(node, field, None)
                if value.__class__ is list:
                    below.extend(item for item in value if isinstance(item, node_type))
                elif isinstance(value, node_type):
                    below.append(value)
        level = below
        depth += 1
    return None, nodes
