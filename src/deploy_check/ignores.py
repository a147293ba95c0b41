"""Inline ignore comments: `# deploy-check: ignore[rule-id, ...]` or `# deploy-check: ignore`."""
from __future__ import annotations

import re

from deploy_check.finding import Finding
from deploy_check.project import Project

_COMMENT = re.compile(r"#\s*deploy-check:\s*ignore(?:\[(?P<rules>[^\]]*)\])?", re.IGNORECASE)

ALL = frozenset({"*"})


def ignored_on_line(line: str) -> frozenset[str]:
    """Rule ids a source line ignores; {'*'} for a bare ignore, empty if none."""
    if "deploy-check" not in line:
        return frozenset()
    found: set[str] = set()
    for match in _COMMENT.finditer(line):
        rules = match.group("rules")
        if rules is None:
            return ALL
        found.update(part.strip() for part in rules.split(",") if part.strip())
    return frozenset(found)


def is_ignored_inline(project: Project, finding: Finding) -> bool:
    if finding.path is None or finding.line is None:
        return False
    line = project.line(finding.path, finding.line)
    if line is None:
        return False
    rules = ignored_on_line(line)
    return "*" in rules or finding.rule in rules
