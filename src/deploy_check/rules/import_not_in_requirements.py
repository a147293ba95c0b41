"""TODO: import-not-in-requirements."""
from __future__ import annotations

from collections.abc import Iterator

from deploy_check.finding import Finding
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("import-not-in-requirements", severity="warning", doc=__doc__)


def check(project: Project) -> Iterator[Finding]:
    return iter(())
