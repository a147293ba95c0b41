"""A Python file does not parse.

## Why it breaks on Niblit
Niblit runs Python 3.12: a file with a syntax error (or written for Python 2,
or not UTF-8 text) crashes the app when it is imported, usually at boot. The
finding is on the line and column of the error as Python reports it. Files
nested too deeply to analyse are reported too, since the analysis of the other
rules could not look inside them.

The rest of the file is still analysed: the offending lines are set aside one
error at a time (blanked, keeping every line's number; a broken block header
keeps its body), so a module with one bad indentation still gets its other
findings (a hard-coded key, an SQLite file outside /data). An error that
cannot be set aside line by line (an unclosed bracket) leaves python-syntax
alone, as does a file with more than a few such lines.

Syntax new in Python 3.12 (PEP 695 `type` aliases and generics, PEP 701
f-strings) is valid on Niblit: when deploy-check itself runs on an older
Python, errors on such lines are not reported rather than guessed.

## How to fix
Fix the syntax error; run `python -m py_compile FILE` locally on Python 3.12.

## Example
Bad:

```python
print "hello"
```

Good:

```python
print("hello")
```
"""
from __future__ import annotations

import codecs
import re
import sys
from collections.abc import Iterator

from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("python-syntax", severity="error", doc=__doc__)
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def check_module(project: Project) -> Iterator[Finding]:
    for path in project.python_files_in_scope():
        entry = project.entry(path)
        if entry is None:
            continue
        parsed = project.python(path)
        if parsed.error is None:
            continue
        if parsed.error == "not readable as UTF-8 text":
            if _declared_encoding_ok(project, path):
                continue
            if project.read_bytes(path) is None:
                continue  # too large or unreadable: not ours to judge
            yield RULE.finding(
                f"{path} is not UTF-8 text: Python cannot import it",
                Location(path, 1),
                hint="save the file as UTF-8 (or remove it if it is not Python)",
            )
            continue
        if _maybe_newer_syntax(project, path, parsed.line):
            continue  # this Python is older than Niblit's 3.12 and cannot judge 3.12-only syntax
        yield RULE.finding(
            f"{parsed.error}",
            Location(path, parsed.line, parsed.column),
            hint="fix the syntax for Python 3.12 (`python -m py_compile` shows it too)",
        )


_PY312_ONLY = re.compile(
    r"^\s*type\s+\w+\s*(\[.*\])?\s*="          # PEP 695 type aliases
    r"|^\s*(async\s+)?def\s+\w+\s*\["           # PEP 695 generic functions
    r"|^\s*class\s+\w+\s*\["                     # PEP 695 generic classes
    r"|\bf[\"']|\bF[\"']|\b[rR][fF][\"']|\b[fF][rR][\"']"  # PEP 701 f-strings
)


def _maybe_newer_syntax(project: Project, path: str, line: int | None) -> bool:
    """On a Python older than 3.12, an error on a line that uses 3.12-only syntax cannot be judged."""
    if sys.version_info >= (3, 12) or line is None:
        return False
    text = project.line(path, line) or ""
    return bool(_PY312_ONLY.search(text))


def _declared_encoding_ok(project: Project, path: str) -> bool:
    """PEP 263: a coding cookie on line 1 or 2 makes non-UTF-8 source valid."""
    data = project.read_bytes(path)
    if data is None:
        return False
    for line in data.splitlines()[:2]:
        match = _CODING.match(line)
        if match:
            try:
                codecs.lookup(match.group(1).decode("ascii"))
                data.decode(match.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError, ValueError):
                return False
            return True
    return False
