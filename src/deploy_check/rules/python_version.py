"""runtime.txt, .python-version, pyproject's requires-python or the Pipfile's python_version rules out both Python 3.11 and 3.12.

## Why it breaks on Niblit
Niblit runs Python 3.12 (the template's `python:3.12-slim`; the spec allows
3.11 or 3.12). A project pinned to another version, say 3.9 in
`.python-version` or `requires-python = "<3.10"`, was written and tested for a
Python that Niblit does not run: syntax, removed modules (`distutils`,
`imp`) or wheels that do not exist for 3.12 break at build or start.

## How to fix
Test the app on Python 3.12 and update the pin: `3.12` in `.python-version`,
`python-3.12` in runtime.txt, `requires-python = ">=3.11"` in pyproject.toml,
`python_version = "3.12"` under the Pipfile's `[requires]`.
`--fix` rewrites a `.python-version` or runtime.txt pin to 3.12; a PyPy pin and
`requires-python` only with `--unsafe-fixes` (the code may rely on the old
Python: test it on 3.12).

## Example
Bad (`.python-version`):

```text
3.9.18
```

Good:

```text
3.12
```
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator

from packaging.specifiers import InvalidSpecifier
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from deploy_check.finding import Edit
from deploy_check.finding import Finding
from deploy_check.finding import Fix
from deploy_check.finding import Location
from deploy_check import spec
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("python-version", severity="error", doc=__doc__, fix="safe or unsafe")
SUPPORTED = (Version("3.11.0"), Version("3.11.99"), Version("3.12.0"), Version("3.12.99"))
_PINNED = re.compile(r"^(?:python-?|cpython-?)?(\d+)\.(\d+)(?:\.\d+)?\s*$", re.IGNORECASE)


def check(project: Project) -> Iterator[Finding]:
    for path in ("runtime.txt", ".python-version"):
        yield from _pinned_file(project, path)
    yield from _requires_python(project)
    yield from _pipfile(project)


def _pipfile(project: Project) -> Iterator[Finding]:
    """Pipfile's `[requires] python_version`: pipenv refuses another Python, and the code
    was written for that one."""
    text = project.read_text("Pipfile")
    if text is None:
        return
    try:
        requires = tomllib.loads(text).get("requires", {})
    except (tomllib.TOMLDecodeError, AttributeError):
        return
    value = requires.get("python_version") or requires.get("python_full_version") if isinstance(requires, dict) else None
    match = _PINNED.match(value) if isinstance(value, str) else None
    if match is None or (int(match.group(1)), int(match.group(2))) in ((3, 11), (3, 12)):
        return
    line = next((n for n, raw in enumerate(project.lines("Pipfile"), 1)
                 if re.match(r"\s*python_(?:full_)?version\s*=", raw)), None)
    yield _finding(f"Pipfile requires Python {match.group(1)}.{match.group(2)}: Niblit runs 3.12 (3.11 allowed)",
                   Location("Pipfile", line, 1 if line else None), None)


def _pinned_file(project: Project, path: str) -> Iterator[Finding]:
    for number, raw in enumerate(project.lines(path), start=1):
        value = raw.strip()
        if not value or value.startswith("#"):
            continue
        if value.lower().startswith("pypy"):
            yield _finding(f"{path} asks for {value!r}: Niblit runs CPython 3.12", Location(path, number, 1),
                           _pin_fix(path, number, raw, value, safe=False))
            return
        match = _PINNED.match(value)
        if match and (int(match.group(1)), int(match.group(2))) not in ((3, 11), (3, 12)):
            yield _finding(f"{path} pins Python {match.group(1)}.{match.group(2)}: Niblit runs 3.12 (3.11 allowed)",
                           Location(path, number, 1), _pin_fix(path, number, raw, value, safe=True))
        return  # only the first meaningful line counts


def _requires_python(project: Project) -> Iterator[Finding]:
    text = project.read_text("pyproject.toml")
    if text is None:
        return
    try:
        value = tomllib.loads(text).get("project", {}).get("requires-python")
    except (tomllib.TOMLDecodeError, AttributeError):
        return
    if not isinstance(value, str):
        return
    try:
        spec = SpecifierSet(value)
    except InvalidSpecifier:
        return
    if any(spec.contains(v, prereleases=True) for v in SUPPORTED):
        return
    line = next((n for n, raw in enumerate(project.lines("pyproject.toml"), 1)
                 if re.match(r"\s*requires-python\s*=", raw)), None)
    fix = None
    if line is not None:
        quoted = re.match(r"""(\s*requires-python\s*=\s*)(["'])([^"'\\]*)\2\s*(#.*)?$""", project.lines("pyproject.toml")[line - 1])
        if quoted and quoted.group(3) == value:
            start = len(quoted.group(1)) + 2
            # Unsafe: the code was written for the pinned Pythons; 3.11+ needs testing.
            fix = Fix(False, (Edit("pyproject.toml", line, start, line, start + len(value), REQUIRES_PYTHON),),
                      f"set requires-python to {REQUIRES_PYTHON!r} (test the app on Python 3.12)")
    yield _finding(f"requires-python = {value!r} rules out Python 3.11 and 3.12, which Niblit runs",
                   Location("pyproject.toml", line), fix)


REQUIRES_PYTHON = ">=3.11"


def _pin_fix(path: str, number: int, raw: str, value: str, safe: bool) -> Fix:
    """The pin as `3.12` (runtime.txt: `python-3.12`), in place of the old value on its line."""
    start = raw.index(value) + 1
    pin = ("python-" if path == "runtime.txt" else "") + spec.PYTHON_VERSIONS[-1]
    return Fix(safe, (Edit(path, number, start, number, start + len(value), pin),), f"pin {pin} in {path}")


def _finding(message: str, where: Location, fix: Fix | None = None) -> Finding:
    return RULE.finding(message, where, hint="make the app run on Python 3.12 and update the pin", fix=fix)
