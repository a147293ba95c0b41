"""Fixing until nothing more applies (ruff's loop), in memory: lint, plan, lint the result.

Each pass lints the tree as the earlier passes left it (a FixedProject: the repository
with the planned contents in place of the files on disk) and plans the fixes still
proposed; the passes end when one changes nothing. The result is one plan from the
user's files to the final ones: --diff prints it, --fix writes it.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable

from deploy_check.finding import Finding
from deploy_check.fixing.planner import FixPlan
from deploy_check.fixing.planner import plan
from deploy_check.project import MAX_READ_BYTES
from deploy_check.project import Project
from deploy_check.walk import FileEntry

MAX_PASSES = 6


class FixedProject(Project):
    """`base` as it would be with `overrides` (path -> new bytes) written."""

    def __init__(self, base: Project, overrides: dict[str, bytes]) -> None:
        entries = {entry.path: entry for entry in base.files}
        for path, data in overrides.items():
            entries[path] = FileEntry(path, len(data))
        super().__init__(base.root, dataclasses.replace(base.tree, files=sorted(entries.values(), key=lambda e: e.path)))
        self.overrides = dict(overrides)

    def read_bytes(self, path: str) -> bytes | None:
        if path in self.overrides:
            data = self.overrides[path]
            return data if len(data) <= MAX_READ_BYTES else None
        return super().read_bytes(path)

    def read_head(self, path: str, count: int) -> bytes | None:
        if path in self.overrides:
            return self.overrides[path][:count]
        return super().read_head(path, count)


@dataclasses.dataclass
class PassesPlan(FixPlan):
    """A FixPlan over several passes; `settled` is False when fixes still applied after the
    last allowed pass (a fix that does not resolve its own finding)."""

    passes: int = 0
    settled: bool = True


def fix_passes(
    project: Project,
    findings_of: Callable[[Project], list[Finding]],
    unsafe: bool = False,
    max_passes: int = MAX_PASSES,
) -> PassesPlan:
    """Plan, lint the planned tree, plan again, ... until a pass changes nothing."""
    originals: dict[str, bytes | None] = {}
    current: dict[str, bytes] = {}
    result = PassesPlan()
    view: Project = project
    for number in range(1, max_passes + 1):
        step = plan(view, findings_of(view), unsafe)
        result.passes = number
        result.dropped = step.dropped
        if not step.changed:
            break
        result.applied.extend(step.applied)
        for path, (old, new) in step.files.items():
            originals.setdefault(path, old)
            current[path] = new
        view = FixedProject(project, current)
    else:
        result.settled = False
    result.files = {path: (originals[path], new) for path, new in sorted(current.items()) if originals[path] != new}
    return result
