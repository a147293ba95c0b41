"""Fixes to requirements.txt: a missing package added, includes flattened, the file written
from the project's other metadata (pyproject, Poetry, Pipfile, setup.py) when it is missing."""
from __future__ import annotations

import ast
import posixpath
import re
import tomllib
from collections.abc import Iterator

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from deploy_check import spec
from deploy_check.finding import Fix
from deploy_check.fixing.text import append_lines
from deploy_check.fixing.text import new_file
from deploy_check.fixing.text import replace_lines
from deploy_check.parsing import pip_installs
from deploy_check.parsing import requirements
from deploy_check.project import Project

ROOT = requirements.ROOT_FILE
_SKIPPED = "#skipped:"  # a declared dependency with no pip line (git, path, url)
# Bounds on what a flattened include may pull in (a hostile tree can nest and repeat).
MAX_INCLUDE_DEPTH = 10
MAX_INCLUDED_LINES = 5000


def add_fix(project: Project, name: str, *, safe: bool = True, why: str = "") -> Fix | None:
    """Add `name` on a line of its own at the end of requirements.txt (in its own encoding:
    an editor's "Unicode" is UTF-16, which pip reads)."""
    text = requirements.read_as_pip_does(project, ROOT)
    if text is None:
        return None
    return Fix(safe, (append_lines(ROOT, text, [name]),), f"add `{name}` to requirements.txt{why}")


def add_lines_fix(project: Project, lines: list[str], message: str) -> Fix | None:
    """Add `lines` (requirement lines, a comment first) at the end of requirements.txt."""
    text = project.read_text(ROOT)
    if text is None:
        return None
    return Fix(True, (append_lines(ROOT, text, lines),), message)


def include_fix(project: Project, include: requirements.Include) -> Fix | None:
    """Replace requirements.txt's `-r FILE` line with FILE's lines (recursively), keeping their
    order, comments and markers. A `-c` constraints file is inlined too, but unsafe: its pins
    become requirements, so everything it names gets installed."""
    text = project.read_text(ROOT)
    if text is None or include.path != ROOT:
        return None
    lines = text.splitlines()
    if not 0 < include.line <= len(lines) or lines[include.line - 1].rstrip().endswith("\\"):
        return None
    target = posixpath.normpath(include.target)
    body = _flattened(project, target, depth=0, stack=(ROOT,))
    if body is None:
        return None
    constraints = include.flag in ("-c", "--constraint")
    content = [f"# from {include.target}" + (" (constraints, now requirements)" if constraints else "")] + body
    message = (f"paste {include.target}'s lines into requirements.txt in place of `{include.flag} {include.target}`"
               + ("; its constraints become requirements (all of them get installed)" if constraints else ""))
    return Fix(not constraints, (replace_lines(ROOT, text, include.line, include.line, content),), message)


def _flattened(project: Project, path: str, depth: int, stack: tuple[str, ...]) -> list[str] | None:
    """`path`'s lines with its own includes flattened; None when that cannot be done exactly
    (missing, outside, a cycle, too deep or too big, paths relative to another folder)."""
    if depth > MAX_INCLUDE_DEPTH or path in stack or path.startswith("../") or not project.has(path):
        return None
    text = project.read_text(path)
    if text is None:
        return None
    folder = posixpath.dirname(path)
    out: list[str] = []
    for raw in text.splitlines():
        stripped = raw.strip()
        match = re.match(r"^(-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)", stripped)
        if match:
            if match.group(1) in ("-c", "--constraint"):
                return None  # a constraint inside an include: no exact flattening
            nested = _flattened(project, posixpath.normpath(posixpath.join(folder, match.group(2))),
                                depth + 1, (*stack, path))
            if nested is None:
                return None
            out.extend(nested)
        elif folder and re.match(r"^(-e\s+|--editable\s+)?\.{1,2}(/|$)|^file:", stripped):
            return None  # a relative path means another folder once it moves
        else:
            out.append(raw)
        if len(out) > MAX_INCLUDED_LINES:
            return None
    return out


def create_fix(project: Project) -> Fix | None:
    """Write requirements.txt from the project's declared dependencies (pyproject's
    [project].dependencies, Poetry's, a Pipfile's [packages], setup.py's install_requires),
    plus flask and gunicorn when they are not among them."""
    if project.has(ROOT):
        return None
    source, declared, skipped = _declared(project)
    names = {_name(line) for line in declared}
    installed, where = _dockerfile_installed(project, names)
    names |= {_name(line) for line in installed}
    extra = [package for package in spec.REQUIRED_PACKAGES if package not in names]
    lines = (([f"# from {source}"] if source else []) + declared
             + ([f"# installed by {where}"] if installed else []) + installed + extra)
    message = "write requirements.txt" + (f" from {source}" if source else "")
    if installed:
        message += f"{' and' if source else ''} with what {where} pip-installs"
    if extra:
        message += f", adding {' and '.join(extra)}"
    if skipped:
        message += f"; add {', '.join(skipped)} by hand (git, path or URL dependencies)"
    return Fix(True, (new_file(ROOT, "".join(line + "\n" for line in lines)),), message)


def _dockerfile_installed(project: Project, names: set[str | None]) -> tuple[list[str], str]:
    """The requirement lines the Dockerfile (or its stand-in) pip-installs that `names` lacks,
    and where (`Dockerfile line 5`): Niblit's template will install only requirements.txt."""
    lines: list[str] = []
    seen = set(names)
    path, numbers = "", []
    for install in pip_installs.installs(project):
        for package in install.packages:
            if package.name in seen or package.name in pip_installs.TOOLING:
                continue
            seen.add(package.name)
            lines.append(package.text)
            path = install.instruction.path
            if install.instruction.line not in numbers:
                numbers.append(install.instruction.line)
    shown = ", ".join(str(number) for number in numbers)
    return lines, f"{path} line{'s' if len(numbers) > 1 else ''} {shown}"


def _name(line: str) -> str | None:
    try:
        return canonicalize_name(Requirement(line.split("#", 1)[0].strip()).name)
    except InvalidRequirement:
        return None


def _declared(project: Project) -> tuple[str, list[str], list[str]]:
    """The first source of declared dependencies that has any, and its requirement lines."""
    readers = (("pyproject.toml", _pyproject), ("Pipfile", _pipfile), ("setup.py", _setup_py))
    for path, reader in readers:
        text = project.read_text(path)
        if text is None:
            continue
        lines = list(reader(text))
        found = [line for line in lines if _valid(line)]
        skipped = [line[len(_SKIPPED):] for line in lines if line.startswith(_SKIPPED)]
        if found or skipped:
            return path, found, skipped
    return "", [], []


def _valid(line: str) -> bool:
    try:
        Requirement(line)
    except InvalidRequirement:
        return False
    return True


def _pyproject(text: str) -> Iterator[str]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    project = data.get("project")
    if isinstance(project, dict) and isinstance(project.get("dependencies"), list):
        yield from (item.strip() for item in project["dependencies"] if isinstance(item, str))
        return
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    dependencies = poetry.get("dependencies") if isinstance(poetry, dict) else None
    if isinstance(dependencies, dict):
        yield from _table(dependencies, poetry=True)


def _pipfile(text: str) -> Iterator[str]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    if isinstance(data.get("packages"), dict):
        yield from _table(data["packages"], poetry=False)


def _table(table: dict[str, object], poetry: bool) -> Iterator[str]:
    """Poetry's or Pipfile's {name: version | {version, extras, markers, ...}} as pip lines;
    git, path and URL entries are left out (they need a human)."""
    for name, value in table.items():
        if name.lower() == "python":
            continue
        extras = ""
        marker = ""
        if isinstance(value, dict):
            if any(key in value for key in ("git", "path", "url", "file")):
                yield f"{_SKIPPED}{name}"
                continue
            if isinstance(value.get("extras"), list):
                extras = "[" + ",".join(str(e) for e in value["extras"]) + "]"
            if isinstance(value.get("markers"), str):
                marker = f"; {value['markers']}"
            value = value.get("version", "*")
        if not isinstance(value, str):
            continue
        specifier = _poetry_specifier(value) if poetry else ("" if value.strip() == "*" else value.strip())
        if specifier is None:
            continue
        yield f"{name}{extras}{specifier}{marker}"


def _poetry_specifier(value: str) -> str | None:
    """Poetry's `^1.2`, `~1.2`, `1.2.*`, `>=1,<2`, `*` as a pip specifier."""
    out: list[str] = []
    for part in value.split(","):
        part = part.strip()
        if part in ("", "*"):
            continue
        caret = re.fullmatch(r"\^(\d+)(?:\.(\d+))?(?:\.(\d+))?", part)
        tilde = re.fullmatch(r"~(\d+)(?:\.(\d+))?(?:\.(\d+))?", part)
        if caret:
            numbers = [int(n) for n in caret.groups() if n is not None]
            index = next((i for i, n in enumerate(numbers) if n != 0), len(numbers) - 1)
            upper = numbers[: index + 1]
            upper[-1] += 1
            out += [f">={'.'.join(map(str, numbers))}", f"<{'.'.join(map(str, upper))}"]
        elif tilde:
            numbers = [int(n) for n in tilde.groups() if n is not None]
            upper = numbers[:2] if len(numbers) > 1 else numbers[:1]
            upper[-1] += 1
            out += [f">={'.'.join(map(str, numbers))}", f"<{'.'.join(map(str, upper))}"]
        elif re.fullmatch(r"\d+(\.\d+)*(\.\*)?", part):
            out.append(f"=={part}")
        elif re.fullmatch(r"(==|!=|>=|<=|>|<|~=)\s*\d[\w.*+!-]*", part):
            out.append(part.replace(" ", ""))
        else:
            return None
    return ",".join(out)


def _setup_py(text: str) -> Iterator[str]:
    """setup(install_requires=[...]) read with ast (never run): a literal list of strings, or
    a module-level name bound to one."""
    try:
        module = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    lists: dict[str, list[str]] = {}
    for node in module.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            values = _strings(node.value)
            if values is not None:
                lists[node.targets[0].id] = values
    for call in ast.walk(module):
        if isinstance(call, ast.Call) and getattr(call.func, "id", getattr(call.func, "attr", None)) == "setup":
            for keyword in call.keywords:
                if keyword.arg == "install_requires":
                    values = _strings(keyword.value)
                    if values is None and isinstance(keyword.value, ast.Name):
                        values = lists.get(keyword.value.id)
                    yield from values or []
                    return


def _strings(node: ast.expr) -> list[str] | None:
    if not isinstance(node, (ast.List, ast.Tuple)):
        return None
    values = [item.value for item in node.elts if isinstance(item, ast.Constant)]
    if len(values) != len(node.elts) or not all(isinstance(value, str) for value in values):
        return None
    return [str(value).strip() for value in values]
