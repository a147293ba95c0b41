"""What the cold start was spent on, from `python -X importtime` of the app in its own image
(the inspection's stderr): the app module's import, its own code and its slowest imports.
rules/smoke_cold_start.py judges it.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from deploy_check import spec
from deploy_check.observed import ImportTimes
from deploy_check.project import Project

SHOWN = 5  # slowest imports named
NOTABLE_SECONDS = 0.05  # an import faster than this is not worth naming

# "import time: self [us] | cumulative | imported package", the name indented two spaces a level.
_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)$")


@dataclasses.dataclass(frozen=True)
class Import:
    module: str
    self_seconds: float
    seconds: float  # cumulative: with everything it imported
    depth: int


def parse(lines: Iterable[str]) -> list[Import]:
    """-X importtime lines as printed: children before their parent (post-order)."""
    found = []
    for line in lines:
        match = _LINE.match(line)
        if match:
            found.append(Import(match.group(4), int(match.group(1)) / 1e6, int(match.group(2)) / 1e6,
                                len(match.group(3)) // 2))
    return found


def explain(project: Project, lines: Iterable[str]) -> ImportTimes | None:
    """The import of `app` (the last top-level entry of that name) and its direct imports."""
    entries = parse(lines)
    top = [i for i, entry in enumerate(entries) if entry.depth == 0]
    app_index = next((i for i in reversed(top) if entries[i].module == spec.APP_FILE.removesuffix(".py")), None)
    if app_index is None:
        return None
    previous_top = max((i for i in top if i < app_index), default=-1)
    children = [e for e in entries[previous_top + 1:app_index] if e.depth == 1]
    slowest = sorted((c for c in children if c.seconds >= NOTABLE_SECONDS), key=lambda c: -c.seconds)[:SHOWN]
    app = entries[app_index]
    return ImportTimes(app.seconds, app.self_seconds,
                     tuple((c.module, c.seconds, _is_app_code(project, c.module)) for c in slowest))


def _is_app_code(project: Project, module: str) -> bool:
    return project.has(f"{module}.py") or project.has(f"{module}/__init__.py")
