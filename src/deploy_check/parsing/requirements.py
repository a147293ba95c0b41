"""requirements.txt parsed the way pip reads it, includes followed.

Names are normalised as pip does (`packaging.utils.canonicalize_name`); option
lines are tolerated; `-r`/`-c` includes are followed relative to the including
file, inside the repository, with cycles detected.
"""
from __future__ import annotations

import codecs
import dataclasses
import posixpath
import re
import shlex
from collections.abc import Iterator

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from deploy_check.project import Project

ROOT_FILE = "requirements.txt"

# The platform Niblit installs on: Linux, CPython 3.12 (the template's base).
NIBLIT_ENV: dict[str, str] = {
    **{key: str(value) for key, value in default_environment().items()},
    "sys_platform": "linux",
    "platform_system": "Linux",
    "os_name": "posix",
    "platform_python_implementation": "CPython",
    "implementation_name": "cpython",
    "python_version": "3.12",
    "python_full_version": "3.12.0",
    "platform_machine": "x86_64",
}

_OPTION_WITH_VALUE = re.compile(
    r"^(-i|--index-url|--extra-index-url|-f|--find-links|--trusted-host|--no-binary|--only-binary"
    r"|--prefer-binary|--pre|--no-index|--use-feature|--require-hashes|--progress-bar)\b"
)
_INCLUDE = re.compile(r"^(-r|--requirement|-c|--constraint)(?:\s+|=)(?P<file>\S.*)$")
_EDITABLE = re.compile(r"^(-e|--editable)(?:\s+|=)(?P<target>\S.*)$")
_EGG = re.compile(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
# Per-requirement options pip accepts after a requirement (pip's SUPPORTED_OPTIONS_REQ).
_HASH = re.compile(r"\s(?:--hash|--config-settings|-C|--global-option|--install-option)(?:=|\s+)\S+")
# PEP 508's direct reference: `name[extras] @ url` is the requirement `name`.
_DIRECT_REFERENCE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?\s*(?:\[[^\]]*\])?\s*@")


@dataclasses.dataclass(frozen=True)
class RequirementLine:
    """One requirement: where it is and what it names (None: a URL/path pip resolves itself)."""

    path: str
    line: int
    text: str
    name: str | None
    applies: bool = True  # False when its marker excludes Niblit's Linux/CPython 3.12


@dataclasses.dataclass(frozen=True)
class Problem:
    """A line pip could not parse, or an include that cannot be read."""

    path: str
    line: int
    column: int | None
    message: str
    kind: str  # "syntax" | "include-missing" | "include-outside" | "include-cycle"


@dataclasses.dataclass(frozen=True)
class Include:
    path: str
    line: int
    flag: str
    target: str


@dataclasses.dataclass(frozen=True)
class Requirements:
    requirements: tuple[RequirementLine, ...]
    problems: tuple[Problem, ...]
    includes: tuple[Include, ...]

    def names(self) -> set[str]:
        """Canonical names of every requirement that installs on Niblit."""
        return {r.name for r in self.requirements if r.name and r.applies}

    def find(self, name: str) -> list[RequirementLine]:
        wanted = canonicalize_name(name)
        return [r for r in self.requirements if r.name == wanted]


def parse(project: Project) -> Requirements | None:
    """requirements.txt and what it includes, once per project; None without one."""
    if not project.has(ROOT_FILE):
        return None
    return parse_file(project, ROOT_FILE)


def parse_file(project: Project, path: str) -> Requirements:
    """A requirements file of the repository and what it includes, once per project (the
    file must exist: see Project.has)."""
    return project.memo(("requirements", path), lambda: _parse_tree(project, path))


def without_options(text: str) -> str:
    """A requirement line without its per-requirement options (`--hash=...`): the line as
    another file can hold it (one hashed line makes pip want hashes for every line)."""
    return _HASH.sub("", " " + text).strip()


def _parse_tree(project: Project, root: str) -> Requirements:
    requirements: list[RequirementLine] = []
    problems: list[Problem] = []
    includes: list[Include] = []
    seen: set[str] = set()

    def visit(path: str, stack: tuple[str, ...]) -> None:
        seen.add(path)
        text = read_as_pip_does(project, path)
        if text is None:
            problems.append(Problem(path, 1, None, "not readable as UTF-8 text", "syntax"))
            return
        for number, line in logical_lines(text):
            include = _INCLUDE.match(line)
            if include:
                target = _clean_target(include.group("file"))
                includes.append(Include(path, number, include.group(1), target))
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
                if resolved.startswith("../") or resolved == ".." or target.startswith("/") or "://" in target:
                    problems.append(Problem(path, number, None, f"includes {target!r}, outside the repository", "include-outside"))
                elif resolved in stack:
                    problems.append(Problem(path, number, None, f"includes {target!r} again (a cycle)", "include-cycle"))
                elif not project.has(resolved):
                    problems.append(Problem(path, number, None, f"includes {target!r}, which does not exist", "include-missing"))
                elif resolved not in seen:
                    visit(resolved, (*stack, resolved))
                continue
            parsed = parse_line(path, number, line)
            if isinstance(parsed, Problem):
                problems.append(parsed)
            elif parsed is not None:
                requirements.append(parsed)

    visit(root, (root,))
    return Requirements(tuple(requirements), tuple(problems), tuple(includes))


# The byte-order marks pip's requirement-file decoder honours (pip._internal.utils.encoding).
# The byte-order marks of the encodings other than UTF-8 that pip (and editors) read by them.
BYTE_ORDER_MARKS = ((codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF32_LE, "utf-32-le"),
                    (codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF16_LE, "utf-16-le"))
_BOMS = BYTE_ORDER_MARKS


def read_as_pip_does(project: Project, path: str) -> str | None:
    """The file's text: UTF-8, or the encoding its byte-order mark names (an editor's
    "Unicode" is UTF-16, which pip reads), else None."""
    text = project.read_text(path)
    if text is not None:
        return text
    data = project.read_bytes(path)
    for bom, encoding in _BOMS:
        if data is not None and data.startswith(bom):
            try:
                decoded = data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                return None
            return None if "\x00" in decoded else decoded
    return None


def _clean_target(raw: str) -> str:
    raw = raw.strip()
    try:
        parts = shlex.split(raw)
    except ValueError:
        return raw
    return parts[0] if parts else raw


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, line) after pip's comment stripping and `\\` joining."""
    buffer: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _strip_comment(raw)
        if not buffer:
            start = number
        if line.endswith("\\"):
            buffer.append(line[:-1])
            continue
        buffer.append(line)
        joined = " ".join(part.strip() for part in buffer).strip()
        buffer = []
        if joined:
            yield start, joined
    if buffer:
        joined = " ".join(part.strip() for part in buffer).strip()
        if joined:
            yield start, joined


def _strip_comment(line: str) -> str:
    # pip: a '#' at the start or after whitespace starts a comment (URLs keep '#egg=').
    match = re.search(r"(^|\s)#", line)
    return (line[: match.start()] if match else line).rstrip()


def parse_line(path: str, number: int, line: str) -> RequirementLine | Problem | None:
    """One logical line: a requirement, a tolerated option (None) or a problem."""
    if _OPTION_WITH_VALUE.match(line):
        return None
    editable = _EDITABLE.match(line)
    if editable:
        target = editable.group("target")
        egg = _EGG.search(target)
        return RequirementLine(path, number, line, canonicalize_name(egg.group(1)) if egg else None)
    if line.startswith("-"):
        return Problem(path, number, 1, f"unknown pip option {line.split()[0]!r}", "syntax")
    body = _HASH.sub("", " " + line).strip()
    if not _DIRECT_REFERENCE.match(body) and _looks_like_url_or_path(body):
        egg = _EGG.search(body)
        name = canonicalize_name(egg.group(1)) if egg else _wheel_name(body)
        return RequirementLine(path, number, line, name)
    try:
        requirement = Requirement(body)
    except InvalidRequirement as error:
        return Problem(path, number, _column(str(error)), f"pip cannot parse this line: {_first_line(error)}", "syntax")
    applies = True
    if requirement.marker is not None:
        try:
            applies = requirement.marker.evaluate(NIBLIT_ENV)
        except Exception:  # noqa: BLE001 - an unknown marker variable: assume it applies
            applies = True
    return RequirementLine(path, number, line, canonicalize_name(requirement.name), applies)


def _looks_like_url_or_path(body: str) -> bool:
    head = body.split(";", 1)[0].strip()
    return "://" in head.split(" @ ")[0] or head.startswith((".", "/")) or head.endswith((".whl", ".tar.gz", ".zip"))


def _wheel_name(body: str) -> str | None:
    base = body.split(";", 1)[0].strip().rstrip("/").rsplit("/", 1)[-1]
    if base.endswith(".whl") and "-" in base:
        return canonicalize_name(base.split("-", 1)[0])
    sdist = re.match(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._]*(?:-[A-Za-z][A-Za-z0-9._]*)*)-\d[^/]*\.(?:tar\.gz|zip|tar\.bz2)$",
                     base)
    return canonicalize_name(sdist.group("name")) if sdist else None  # gunicorn-22.0.0.tar.gz


def _column(message: str) -> int | None:
    """packaging ends its message with the line (indented 4) and a caret under the problem."""
    lines = message.splitlines()
    if len(lines) >= 3 and lines[-1].strip() and set(lines[-1].strip()) <= {"^", "~"}:
        return max(1, len(lines[-1]) - len(lines[-1].lstrip()) - 4 + 1)
    return None


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def required_package_problem(project: Project, name: str) -> tuple[str, RequirementLine | None] | None:
    """Why `name` would not be installed on Niblit (message and the line to place it on), or None."""
    parsed = parse(project)
    if parsed is None:
        return None  # requirements-missing says it
    if any(problem.kind == "syntax" for problem in parsed.problems):
        return None  # a line pip cannot read may be the one that names it: cannot decide
    lines = parsed.find(name)
    if any(line.applies for line in lines):
        return None
    if lines:
        return f"{name} is required only under a marker that excludes Niblit's Linux/CPython 3.12", lines[0]
    return f"requirements.txt does not require {name}", None
