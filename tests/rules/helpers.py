"""Small helpers for rule tests: build a repository, run one rule, compare places."""
from __future__ import annotations

import pathlib
from types import ModuleType

from deploy_check import rules
from deploy_check.project import Project


def make_repo(root: pathlib.Path, files: dict[str, str | bytes]) -> pathlib.Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, newline="")
    return root


def places(module: ModuleType, root: pathlib.Path) -> list[tuple[str, str | None, int | None]]:
    """(rule id, path, line) of every finding the rule's check yields, sorted."""
    project = Project(str(root))
    return sorted(
        ((f.rule, f.path, f.line) for f in rules.run(module, project)),
        key=lambda t: (t[1] or "", t[2] or 0, t[0]),
    )
