"""Workflow-command annotations: what GitHub shows on the pull request's lines.

The runner keeps the first 10 errors, 10 warnings and 10 notices of a step as
annotations, so the most severe and best-placed findings go first; the rest
still print (and the job summary lists them all).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from deploy_check import github
from deploy_check.finding import Finding
from deploy_check.result import Report

if TYPE_CHECKING:
    from deploy_check.report.context import RenderContext


def ordered(findings: list[Finding]) -> list[Finding]:
    """Most severe first; placed (with a line) before unplaced; then by place."""
    return sorted(findings, key=lambda f: (-f.severity.rank, f.line is None, f.path is None, f.sort_key()))


def annotation(finding: Finding, path_prefix: str = "") -> str:
    message = finding.message + (f"\nHint: {finding.hint}" if finding.hint else "")
    same_line = finding.end_line in (None, finding.line)
    return github.annotation(
        finding.severity.value,
        message,
        file=(path_prefix + finding.path) if finding.path else None,
        line=finding.line,
        end_line=finding.end_line if finding.line else None,
        col=finding.column if finding.line and same_line else None,
        end_column=finding.end_column if finding.line and same_line else None,
        title=finding.rule,
    )


def render(report: Report, context: RenderContext) -> str:
    from deploy_check.report.text import summary_line

    lines = []
    for finding in ordered(report.findings):
        lines.append(annotation(finding, context.path_prefix))
        if finding.log:
            lines.append(github.group(f"{finding.rule}: log"))
            lines.append(github.untrusted_block(finding.log))
            lines.append(github.end_group())
    lines.append(github.neutralise(summary_line(report)))
    return "\n".join(lines) + "\n"
